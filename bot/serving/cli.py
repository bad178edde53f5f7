"""The ``huddle`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.settings import ConfigError, Settings, environment_secrets, load_settings
from bot.domain.weeks import Clock, system_clock
from bot.runtime import logs
from bot.scheduled.planner import Plan
from bot.scheduled.sender import Report
from bot.serving.credentials import CredentialRefused
from bot.serving.environment import read_environment
from storage.errors import DB_ERRORS
from storage.ledger import DIGEST, NUDGE, SUMMARY

log = logging.getLogger("huddle")

CONNECT_HELP = """\
No Slack credentials found (SLACK_BOT_TOKEN is not set), so that was the demo.
(To install into many workspaces with "Add to Slack", see README "Distributing Huddle".)
To connect a real workspace:
  1. Create a Slack app from manifest.yml at https://api.slack.com/apps (From a manifest).
  2. Install it to your workspace and copy .env.example to .env.
  3. Fill in SLACK_BOT_TOKEN, HUDDLE_CHANNEL and either SLACK_APP_TOKEN (Socket Mode,
     easiest) or SLACK_SIGNING_SECRET (HTTP mode, request URL .../slack/events).
  4. make run
"""


def _settings(environ: dict[str, str]) -> Settings:
    try:
        return load_settings(environ)
    except ConfigError as error:
        print(f"huddle: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _run(environ: dict[str, str]) -> int:
    from bot.serving.demo import run_demo
    from bot.serving.server import serve_forever

    if not _credentials(environ):
        exit_code = asyncio.run(run_demo())
        print(CONNECT_HELP)
        return exit_code
    settings = _settings(environ)

    async def serve() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        await serve_forever(settings, system_clock, stop)

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:  # the second Ctrl-C: the operator would not wait
        return 130
    return 0


def _credentials(environ: dict[str, str]) -> bool:
    """A bot token or the OAuth client credentials: something to serve Slack with."""
    return any(environ.get(name, "").strip() for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"))


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM (``systemctl stop``, ``docker stop``, a deploy) and SIGINT (Ctrl-C) ask for
    an orderly stop. Then the default handling comes back, so a second Ctrl-C (or
    SIGTERM) stops at once, for an operator who will not wait."""
    loop = asyncio.get_running_loop()

    def requested(received: signal.Signals) -> None:
        log.info("%s received: stopping (a second one stops at once)", received.name)
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)
        stop.set()

    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, requested, number)


def _db_upgrade(environ: dict[str, str]) -> int:
    from storage.engine import create_engine
    from storage.migrate import upgrade

    url = environ.get("DATABASE_URL", "").strip() or _settings(environ).database_url

    async def migrate() -> None:
        engine = create_engine(_settings({**environ, "DATABASE_URL": url}).database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    print("Database schema is up to date.")
    return 0


def _job(
    environ: dict[str, str],
    kinds: frozenset[str],
    week_text: str | None,
    dry_run: bool,
    clock: Clock,
) -> int:
    """Run a scheduled job now, through the same planner, sender and ledger as the tick:
    the nudges of this week, or the summary of :func:`summary_week`."""
    from bot.domain.weeks import local_date, parse_iso_week, week_start
    from bot.domain.windows import summary_week
    from bot.scheduled.jobs import run_due
    from bot.scheduled.planner import Force
    from bot.serving.server import prepare

    settings = _settings(environ)
    try:
        named = parse_iso_week(week_text) if week_text else None
    except ValueError as error:
        print(f"huddle: {error}", file=sys.stderr)
        return 2
    now = clock()
    if SUMMARY in kinds:
        try:
            week = summary_week(now, settings, named)
        except ValueError as refusal:
            print(f"huddle: {refusal} Nothing was posted.", file=sys.stderr)
            return 1
    else:
        week = named or week_start(local_date(now, settings.timezone))

    async def run() -> int:
        huddle = await prepare(settings, clock)
        try:
            force = Force(kinds, week)
            due, report = await run_due(
                huddle.runtime, huddle.app.client, huddle.team_id, force=force, dry_run=dry_run
            )
        finally:
            await huddle.close()
        print(describe(due, report, dry_run=dry_run))
        return 1 if report.failed or report.unknown else 0

    return asyncio.run(run())


def describe(due: Plan, report: Report, *, dry_run: bool) -> str:
    """What a manual run did, or would do, in words a manager can act on."""
    lines = []
    if dry_run:
        lines += [f"would send {send.key}" for send in due.sends]
    else:
        lines += [f"sent {key}" for key in report.sent]
        lines += [
            f"already in Slack, recorded as sent: {key}" for key in report.found_already_posted
        ]
        lines += [f"FAILED {key}: {reason}" for key, reason in report.failed]
        lines += [f"UNKNOWN (will be checked on the next run) {key}" for key in report.unknown]
        lines += [f"skipped {key}: another run claimed it" for key in report.lost_race]
    lines += [f"not sent again {key}: {reason}" for key, reason in due.skipped]
    if not due.sends and not due.skipped:
        lines.append("Nothing is due: nobody needs this message for that week.")
    return "\n".join(lines)


def _export(environ: dict[str, str], since_text: str | None) -> int:
    """The check-ins CSV (the same file ``/huddle export`` sends) on stdout."""
    import aiohttp
    from slack_sdk.errors import SlackApiError

    from bot.messages.checkins_csv import checkins_csv
    from bot.runtime import Runtime
    from bot.runtime.slack_client import web_client
    from storage.export import checkins_since

    settings = _settings(environ)
    try:
        since = datetime.strptime(since_text, "%Y-%m-%d").date() if since_text else None
    except ValueError:
        print(f"huddle: --since {since_text!r} is not a day; use YYYY-MM-DD", file=sys.stderr)
        return 2

    async def run() -> int:
        runtime = Runtime.create(settings, system_clock)
        try:
            return await write_csv(runtime)
        finally:
            await runtime.close()

    async def write_csv(runtime: Runtime) -> int:
        try:
            team_id = (await web_client(runtime).auth_test())["team_id"]
        except SlackApiError as error:
            reason = error.response.get("error")
            print(f"huddle: Slack refused auth.test ({reason})", file=sys.stderr)
            return 1
        except (aiohttp.ClientError, OSError) as error:
            print(f"huddle: Slack can't be reached ({type(error).__name__})", file=sys.stderr)
            return 1
        try:
            async with runtime.sessions() as session:
                rows = await checkins_since(session, team_id, since)
        except DB_ERRORS as error:
            print(f"huddle: the database can't be read ({type(error).__name__})", file=sys.stderr)
            return 1
        sys.stdout.write(checkins_csv(rows))
        return 0

    return asyncio.run(run())


def _report(environ: dict[str, str], channel: str | None, week_text: str | None, out: Path) -> int:
    """The summary's chart for a week, drawn locally into ``out``."""
    import aiohttp
    from slack_sdk.errors import SlackApiError

    from bot.domain.weeks import iso_week, local_date, parse_iso_week, week_start
    from bot.domain.windows import summary_window
    from bot.messages.weekly_charts import SummaryChart
    from bot.runtime import Runtime
    from bot.runtime.slack_client import web_client
    from bot.scheduled.jobs import summary_chart

    settings = _settings(environ)
    if channel is not None and channel != settings.channel:
        print(f"huddle: {channel} is not a team here (teams: {settings.channel})", file=sys.stderr)
        return 2
    now = system_clock()
    this_week = week_start(local_date(now, settings.timezone))
    try:
        week = parse_iso_week(week_text) if week_text else this_week
    except ValueError as error:
        print(f"huddle: {error}", file=sys.stderr)
        return 2
    if week_text is None and now < summary_window(week, settings).start:
        week -= timedelta(weeks=1)  # this week's summary is not out yet: the last one
    if week > this_week:
        print(f"huddle: {iso_week(week)} has not begun yet", file=sys.stderr)
        return 2

    async def chart() -> SummaryChart | None:
        runtime = Runtime.create(settings, system_clock)
        try:
            team_id = (await web_client(runtime).auth_test())["team_id"]
            return await summary_chart(runtime, team_id, week)
        except SlackApiError as error:
            reason = error.response.get("error")
            print(f"huddle: Slack refused auth.test ({reason})", file=sys.stderr)
        except (aiohttp.ClientError, OSError) as error:
            print(f"huddle: Slack can't be reached ({type(error).__name__})", file=sys.stderr)
        finally:
            await runtime.close()
        return None

    drawn = asyncio.run(chart())
    if drawn is None:
        return 1
    png = drawn.png()
    out.write_bytes(png)
    print(f"Wrote {out} ({len(png) // 1024} KB). {drawn.alt_text()}")
    return 0


def _workspace(environ: dict[str, str], action: str, team_id: str | None, yes: bool) -> int:
    """``huddle workspace list`` and ``huddle workspace purge TEAM_ID --yes``: the
    installed and uninstalled workspaces with their teams, and deleting one's data for
    good."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage import workspaces
    from storage.engine import create_engine

    settings = _settings(environ)
    if action == "purge" and not team_id:
        print("huddle: workspace purge needs the workspace's TEAM_ID", file=sys.stderr)
        return 2
    if action == "purge" and not yes:
        print(
            f"huddle: this deletes every team, check-in, goal and person of {team_id}, and"
            " its installation. Nothing was deleted; add --yes to do it.",
            file=sys.stderr,
        )
        return 2

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            if action == "list":
                async with AsyncSession(engine) as session:
                    rows = await workspaces.all_workspaces(session)
                    channels = await workspaces.team_channels(session)
                for row in rows:
                    state = "uninstalled" if row.uninstalled_at else "installed"
                    teams = " ".join(f"#{c}" for c in channels.get(row.team_id, [])) or "no team"
                    print(f"{row.team_id}\t{state}\t{teams}\t{row.name}")
                if not rows:
                    print("No workspace has installed Huddle with Add to Slack.")
                return 0
            assert team_id is not None
            async with AsyncSession(engine) as session, session.begin():
                deleted = await workspaces.purge(session, team_id)
            if not deleted:
                print(f"huddle: {team_id} has no data here; nothing was deleted", file=sys.stderr)
                return 1
            counts = ", ".join(f"{n} from {table}" for table, n in deleted.items())
            print(f"Purged {team_id}: {counts}.")
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _demo(_environ: dict[str, str]) -> int:
    from bot.serving.demo import run_demo

    return asyncio.run(run_demo())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="huddle", description="Huddle: weekly sales activity accountability in Slack."
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="serve Slack (HTTP or Socket Mode); the demo when no credentials are set"
    )
    commands.add_parser(
        "demo", help="play a whole week (board, check-ins, nudges, summary, digest) in seconds"
    )
    nudge = commands.add_parser("nudge", help="send this week's Thursday nudges now (never twice)")
    nudge.add_argument(
        "--dry-run", action="store_true", help="list who would be nudged; send nothing"
    )
    summary = commands.add_parser(
        "summary", help="post the week's summary and manager digests now (never twice)"
    )
    summary.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the week to summarise (default: the latest week whose summary time has passed,"
        " once it has ended)",
    )
    summary.add_argument(
        "--dry-run", action="store_true", help="show what would be posted; send nothing"
    )
    export = commands.add_parser(
        "export", help="write the check-ins as CSV to stdout (columns: see the README)"
    )
    export.add_argument(
        "--since", metavar="YYYY-MM-DD", help="only check-ins for this day or later (default: all)"
    )
    report = commands.add_parser(
        "report", help="draw a week's summary chart into a PNG file (what the summary carries)"
    )
    report.add_argument("--team", metavar="C…", help="the team's channel ID (default: the team)")
    report.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the week to draw (default: the latest week whose summary time has passed)",
    )
    report.add_argument("--out", metavar="FILE.png", type=Path, required=True)
    workspace = commands.add_parser(
        "workspace", help="workspaces installed with Add to Slack: list, or purge one's data"
    )
    workspace.add_argument("action", choices=["list", "purge"])
    workspace.add_argument("team_id", nargs="?", metavar="TEAM_ID")
    workspace.add_argument(
        "--yes", action="store_true", help="purge: confirm deleting the workspace's data"
    )
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument(
        "action", choices=["upgrade"], help="upgrade: migrate the schema to the latest version"
    )
    return root


def main(argv: Sequence[str] | None = None, clock: Clock = system_clock) -> int:
    """Logging, with every secret in the environment masked, comes first: whatever
    fails later (the settings, the database at start-up) is told through it or in
    words of our own, never as a bare traceback that could carry a secret. ``clock`` is
    the wall clock, except for tests that run a job at a chosen instant."""
    args = parser().parse_args(argv)
    environ = read_environment()
    serving = args.command == "run" and _credentials(environ)
    logs.configure(environment_secrets(environ), level=logging.INFO if serving else logging.WARNING)
    try:
        return _command(args, environ, clock)
    except CredentialRefused as refused:  # named for the operator, without a traceback
        print(f"huddle: {refused}", file=sys.stderr)
        return 1
    except DB_ERRORS as error:
        log.error("huddle %s: the database failed: %s", args.command, _error_text(error))
        return 1


def _error_text(error: BaseException) -> str:
    """The error and its causes on one line: what an operator needs, no traceback."""
    parts = []
    cause: BaseException | None = error
    while cause is not None:
        parts.append(f"{type(cause).__name__}: {cause}".rstrip(": "))
        cause = cause.__cause__ or cause.__context__
    return " <- ".join(parts)


def _command(args: argparse.Namespace, environ: dict[str, str], clock: Clock) -> int:
    if args.command == "nudge":
        return _job(environ, frozenset({NUDGE}), None, args.dry_run, clock)
    if args.command == "summary":
        return _job(environ, frozenset({SUMMARY, DIGEST}), args.week, args.dry_run, clock)
    if args.command == "export":
        return _export(environ, args.since)
    if args.command == "workspace":
        return _workspace(environ, args.action, args.team_id, args.yes)
    if args.command == "report":
        return _report(environ, args.team, args.week, args.out)
    handlers = {"run": _run, "demo": _demo, "db": _db_upgrade}
    return handlers[args.command](environ)


if __name__ == "__main__":
    raise SystemExit(main())
