"""Secrets never reach a log line or an error message, whatever code path logs them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.databases import POSTGRES_URL

TOKEN = "xoxb-7777-recognisable-bot-token"
PASSWORD = "recognisable-db-password-91"


async def run(code: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        env={**os.environ, **env, "PYTHONPATH": str(Path.cwd())},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_log_records_and_tracebacks_are_masked(tmp_path: Path) -> None:
    code = f"""
import logging
from bot.runtime import logs
logs.configure([{TOKEN!r}, {PASSWORD!r}])
log = logging.getLogger("huddle.test")
log.warning("calling Slack with %s", {TOKEN!r})
try:
    raise RuntimeError("connect failed for postgresql://u:{PASSWORD}@db/x")
except RuntimeError:
    log.exception("database down")
"""
    code_, output = await run(code, {}, tmp_path)
    assert code_ == 0
    assert "calling Slack with [secret]" in output and "database down" in output
    assert "RuntimeError" in output  # the traceback is kept, only the secret is masked
    assert TOKEN not in output and PASSWORD not in output


async def test_database_failure_at_start_up_does_not_echo_the_password(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"postgresql://huddle:{PASSWORD}@127.0.0.1:1/huddle"}
    code, output = await run(
        "from bot.serving.cli import main; main(['db', 'upgrade'])", env, tmp_path
    )
    assert code != 0
    assert PASSWORD not in output


async def test_a_database_error_at_start_up_is_one_masked_line(tmp_path: Path) -> None:
    """Logging masks the environment's secrets before anything else runs, and a
    database failure at start-up is told in one line, not a traceback. Here the
    server's own error repeats the password (it is also the user name)."""
    server = make_url(POSTGRES_URL)
    url = f"postgresql+asyncpg://{PASSWORD}:{PASSWORD}@{server.host}:{server.port}/postgres"
    env = {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "recognisable-signing-secret-3",
        "HUDDLE_CHANNEL": "C0HUDDLE",
    }
    for command in (["db", "upgrade"], ["nudge", "--dry-run"]):
        code, output = await run(
            f"from bot.serving.cli import main; raise SystemExit(main({command!r}))", env, tmp_path
        )
        assert code == 1, output
        assert "the database failed" in output and "[secret]" in output, output
        assert "Traceback" not in output
        assert PASSWORD not in output and TOKEN not in output
