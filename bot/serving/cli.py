"""The ``huddle`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.settings import ConfigError, Settings, environment_secrets, load_settings
from bot.domain.team import Team, Teams
from bot.domain.weeks import Clock, system_clock
from bot.domain.windows import summary_week
from bot.runtime import logs
from bot.scheduled.planner import Plan
from bot.scheduled.sender import Report
from bot.serving.cli_teams import CliError, chosen_team, one_team, team_add, team_list, workspace
from bot.serving.credentials import CredentialRefused
from bot.serving.environment import read_environment
from storage.errors import DB_ERRORS
from storage.export import ExportRow
from storage.ledger import DIGEST, NUDGE, SUMMARY, LedgerKey

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


def _named_week(week_text: str | None) -> date | None:
    from bot.domain.weeks import parse_iso_week

    try:
        return parse_iso_week(week_text) if week_text else None
    except ValueError as error:
        raise CliError(str(error)) from None


def _job(
    environ: dict[str, str],
    kinds: frozenset[str],
    week_text: str | None,
    dry_run: bool,
    clock: Clock,
    channel: str | None,
) -> int:
    """Run a scheduled job now, for every team or ``--team``'s, through the same
    planner, sender and ledger as the tick: the nudges of this week, or each team's
    summary of :func:`summary_week` on that team's own clock and schedule."""
    from bot.scheduled.jobs import run_due
    from bot.scheduled.planner import Force

    settings = _settings(environ)
    named = _named_week(week_text)

    async def run() -> int:
        async with workspace(settings, clock) as huddle:
            teams = await huddle.runtime.teams(huddle.team_id)
            only = chosen_team(teams, channel)
            chosen = [only] if only is not None else list(teams)
            zone = (only.settings if only is not None else settings).timezone
            weeks, refusals = job_weeks(clock(), kinds, chosen, named, zone)
            for refusal in refusals:
                print(f"huddle: {refusal}", file=sys.stderr)
            failed = False
            for team, week in job_runs(teams, weeks):
                due, report = await run_due(
                    huddle.runtime,
                    huddle.app.client,
                    huddle.team_id,
                    force=Force(kinds, week),
                    dry_run=dry_run,
                    only=team,
                )
                print(describe(due, report, dry_run=dry_run, teams=teams, team=team))
                failed = failed or bool(report.failed or report.unknown)
        return 1 if refusals or failed else 0

    return asyncio.run(run())


def job_weeks(
    now: datetime,
    kinds: frozenset[str],
    chosen: Sequence[Team],
    named: date | None,
    nudge_zone: ZoneInfo,
) -> tuple[list[tuple[Team, date]], list[str]]:
    """Each chosen team's week, and the refusals, one line each naming its team. A
    summary's week is the team's own :func:`summary_week`; the nudges' week is one for
    all, since a person on several teams gets one nudge."""
    from bot.domain.weeks import local_date, week_start

    if SUMMARY not in kinds:
        week = named or week_start(local_date(now, nudge_zone))
        return [(team, week) for team in chosen], []
    weeks, refusals = [], []
    for team in chosen:
        try:
            weeks.append((team, summary_week(now, team.settings, named)))
        except ValueError as refusal:
            refusals.append(f"{team.channel}: {refusal} Nothing was posted.")
    return weeks, refusals


def job_runs(teams: Teams, weeks: Sequence[tuple[Team, date]]) -> list[tuple[Team | None, date]]:
    """The runs that give each chosen team its own week: one run for the whole
    workspace when every team has the same week (the usual case, in a fixed number of
    queries whatever the number of teams), else one per team (their weeks differ, or
    some were refused or not asked for)."""
    distinct = {week for _, week in weeks}
    if len(weeks) == len(teams) and len(distinct) == 1:
        return [(None, distinct.pop())]
    return list(weeks)


def describe(
    due: Plan, report: Report, *, dry_run: bool, teams: Teams, team: Team | None = None
) -> str:
    """What a manual run did, or would do, in words a manager can act on; each line
    starts with the channel of the team it is about (a nudge, one per person whatever
    their teams, names its team only in a run of one team)."""
    entries: list[tuple[LedgerKey, str]] = []
    if dry_run:
        entries += [(send.key, f"would send {send.key}") for send in due.sends]
    else:
        entries += [(key, f"sent {key}") for key in report.sent]
        entries += [
            (key, f"already in Slack, recorded as sent: {key}")
            for key in report.found_already_posted
        ]
        entries += [(key, f"FAILED {key}: {reason}") for key, reason in report.failed]
        entries += [
            (key, f"UNKNOWN (will be checked on the next run) {key}") for key in report.unknown
        ]
        entries += [(key, f"skipped {key}: another run claimed it") for key in report.lost_race]
    entries += [(key, f"not sent again {key}: {reason}") for key, reason in due.skipped]
    lines = [_about(key, teams, team) + text for key, text in entries]
    if not due.sends and not due.skipped:
        nobody = "Nothing is due: nobody needs this message for that week."
        lines.append(f"{team.channel}: {nobody}" if team is not None else nobody)
    return "\n".join(lines)


def _about(key: LedgerKey, teams: Teams, team: Team | None) -> str:
    """``C…: `` for the team a ledger key is about, when one is."""
    from bot.scheduled.planner import digest_team_ref

    if team is None:
        ref = digest_team_ref(key.recipient)
        team = teams.by_channel(key.recipient) if ref is None else teams.by_ref(ref)
    return f"{team.channel}: " if team is not None else ""


def _export(
    environ: dict[str, str], since_text: str | None, channel: str | None, clock: Clock
) -> int:
    """The check-ins CSV (the same file ``/huddle export`` sends) on stdout: every
    team's, or ``--team``'s, with the team's channel as a column."""
    from bot.messages.checkins_csv import checkins_csv
    from storage.export import checkins_since

    settings = _settings(environ)
    try:
        since = datetime.strptime(since_text, "%Y-%m-%d").date() if since_text else None
    except ValueError:
        raise CliError(f"--since {since_text!r} is not a day; use YYYY-MM-DD") from None

    async def rows() -> list[ExportRow]:
        async with workspace(settings, clock) as huddle:
            only = chosen_team(await huddle.runtime.teams(huddle.team_id), channel)
            async with huddle.runtime.sessions() as session:
                ref = only.ref if only is not None else None
                return await checkins_since(session, huddle.team_id, since, ref)

    sys.stdout.write(checkins_csv(asyncio.run(rows())))
    return 0


def _report(
    environ: dict[str, str], channel: str | None, week_text: str | None, out: Path, clock: Clock
) -> int:
    """A team's summary chart for a week, drawn locally into ``out``: ``--team``'s, or
    the only team's; the week ``huddle summary`` would post unless ``--week``."""
    from bot.messages.weekly_charts import SummaryChart
    from bot.scheduled.jobs import summary_chart

    settings = _settings(environ)
    named = _named_week(week_text)

    async def chart() -> SummaryChart:
        async with workspace(settings, clock) as huddle:
            team = one_team(await huddle.runtime.teams(huddle.team_id), channel)
            try:
                week = summary_week(clock(), team.settings, named)
            except ValueError as refusal:
                raise CliError(
                    f"{team.channel}: {refusal} (huddle report takes --week too.)", 1
                ) from None
            return await summary_chart(huddle.runtime, team, week)

    drawn = asyncio.run(chart())
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


def _team(environ: dict[str, str], args: argparse.Namespace, clock: Clock) -> int:
    """``huddle team list`` and ``huddle team add``."""
    settings = _settings(environ)

    async def run() -> str:
        async with workspace(settings, clock) as huddle:
            if args.action == "add":
                return await team_add(huddle, args.channel, args.timezone, args.manager)
            return await team_list(huddle)

    print(asyncio.run(run()))
    return 0


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
    _team_option(nudge, "only this team's reps (default: every team's)")
    summary = commands.add_parser(
        "summary", help="post the week's summary and manager digests now (never twice)"
    )
    summary.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the week to summarise (default, for each team: the latest week whose summary"
        " time has passed, once it has ended)",
    )
    summary.add_argument(
        "--dry-run", action="store_true", help="show what would be posted; send nothing"
    )
    _team_option(summary, "only this team's summary and digests (default: every team's)")
    export = commands.add_parser(
        "export", help="write the check-ins as CSV to stdout (columns: see the README)"
    )
    export.add_argument(
        "--since", metavar="YYYY-MM-DD", help="only check-ins for this day or later (default: all)"
    )
    _team_option(export, "only this team's check-ins (default: every team's)")
    report = commands.add_parser(
        "report", help="draw a week's summary chart into a PNG file (what the summary carries)"
    )
    _team_option(report, "the team (default: the only one; required when there are several)")
    report.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the week to draw (default: the week huddle summary would post)",
    )
    report.add_argument("--out", metavar="FILE.png", type=Path, required=True)
    team = commands.add_parser("team", help="the workspace's teams (huddle channels)")
    actions = team.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "list", help="one line per team: channel, timezone, schedule, reps and managers"
    )
    add = actions.add_parser("add", help="make a channel a team, with the HUDDLE_* defaults")
    add.add_argument("--channel", metavar="C…", required=True, help="the channel's ID")
    add.add_argument(
        "--timezone", metavar="Area/City", help="the team's clock (default: HUDDLE_TIMEZONE)"
    )
    add.add_argument(
        "--manager",
        metavar="U…",
        required=True,
        help="its first manager's user ID (they add others with /huddle manager add)",
    )
    installs = commands.add_parser(
        "workspace", help="workspaces installed with Add to Slack: list, or purge one's data"
    )
    installs.add_argument("action", choices=["list", "purge"])
    installs.add_argument("team_id", nargs="?", metavar="TEAM_ID")
    installs.add_argument(
        "--yes", action="store_true", help="purge: confirm deleting the workspace's data"
    )
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument(
        "action", choices=["upgrade"], help="upgrade: migrate the schema to the latest version"
    )
    return root


def _team_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--team", metavar="C…", help=f"a team's channel ID: {what}")


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
    except CliError as refusal:
        print(f"huddle: {refusal}", file=sys.stderr)
        return refusal.code
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
        return _job(environ, frozenset({NUDGE}), None, args.dry_run, clock, args.team)
    if args.command == "summary":
        kinds = frozenset({SUMMARY, DIGEST})
        return _job(environ, kinds, args.week, args.dry_run, clock, args.team)
    if args.command == "export":
        return _export(environ, args.since, args.team, clock)
    if args.command == "workspace":
        return _workspace(environ, args.action, args.team_id, args.yes)
    if args.command == "report":
        return _report(environ, args.team, args.week, args.out, clock)
    if args.command == "team":
        return _team(environ, args, clock)
    handlers = {"run": _run, "demo": _demo, "db": _db_upgrade}
    return handlers[args.command](environ)


if __name__ == "__main__":
    raise SystemExit(main())
