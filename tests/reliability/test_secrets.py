"""Secrets never reach a log line or an error message, whatever code path logs them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

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
