"""The ``huddle`` command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence

from bot import logs
from bot.settings import ConfigError, Settings, load_settings, read_environment
from bot.weeks import system_clock

CONNECT_HELP = """\
No Slack credentials found (SLACK_BOT_TOKEN is not set), so that was the demo.
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
    from bot.demo import run_demo
    from bot.server import serve_forever

    if not environ.get("SLACK_BOT_TOKEN", "").strip():
        exit_code = asyncio.run(run_demo())
        print(CONNECT_HELP)
        return exit_code
    settings = _settings(environ)
    logs.configure(settings.secrets)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(settings, system_clock))
    return 0


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


def _demo(_environ: dict[str, str]) -> int:
    from bot.demo import run_demo

    return asyncio.run(run_demo())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="huddle", description="Huddle: weekly sales activity accountability in Slack."
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="serve Slack (HTTP or Socket Mode); the demo when no credentials are set"
    )
    commands.add_parser("demo", help="run a scripted demo against the local Slack stand-in")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument(
        "action", choices=["upgrade"], help="upgrade: migrate the schema to the latest version"
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    environ = read_environment()
    handlers = {"run": _run, "demo": _demo, "db": _db_upgrade}
    return handlers[args.command](environ)


if __name__ == "__main__":
    raise SystemExit(main())
