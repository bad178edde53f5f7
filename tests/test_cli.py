"""The ``huddle`` command line, run as a real process against the stand-in."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.standin import SlackWebAPIStandIn
from tests.conftest import BOT_TOKEN, REPS, environment

HUDDLE = [sys.executable, "-m", "bot.serving.cli"]


async def huddle(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *HUDDLE,
        *args,
        env={**os.environ, **env, "PYTHONPATH": str(Path.cwd())},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_nudge_twice_sends_once_and_says_why(
    database_url: str, slack: SlackWebAPIStandIn, tmp_path: Path
) -> None:
    env = environment(database_url, slack)
    code, out, _ = await huddle("nudge", "--dry-run", env=env, cwd=tmp_path)
    assert code == 0 and out.count("would send nudge:") == 3
    assert all(not slack.dms_to(user) for user in REPS)

    code, out, _ = await huddle("nudge", env=env, cwd=tmp_path)
    assert code == 0 and out.count("sent nudge:") == 3
    code, out, _ = await huddle("nudge", env=env, cwd=tmp_path)
    assert code == 0
    assert "sent nudge" not in out and out.count("already sent") == 3
    assert {user: len(slack.dms_to(user)) for user in REPS} == dict.fromkeys(REPS, 1)


async def test_summary_for_a_past_week(
    database_url: str, slack: SlackWebAPIStandIn, tmp_path: Path
) -> None:
    env = environment(database_url, slack)
    code, out, _ = await huddle("summary", "--week", "2026-W40", env=env, cwd=tmp_path)
    assert code == 0 and "sent summary:CHUDDLE01:2026-W40" in out
    code, out, _ = await huddle("summary", "--week", "2026-W40", env=env, cwd=tmp_path)
    assert "not sent again summary:CHUDDLE01:2026-W40: already sent" in out
    code, _, err = await huddle("summary", "--week", "last", env=env, cwd=tmp_path)
    assert code == 2 and "2026-W48" in err


async def test_invalid_configuration_lists_every_problem_without_secrets(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN + "x",
        "HUDDLE_CHANNEL": "#sales",
        "PORT": "99999",
        "SLACK_SIGNING_SECRET": "",
        "HUDDLE_TIMEZONE": "Mars/Olympus",
    }
    code, out, err = await huddle("nudge", env=env, cwd=tmp_path)
    assert code == 2
    for variable in ("HUDDLE_CHANNEL", "PORT", "SLACK_SIGNING_SECRET", "HUDDLE_TIMEZONE"):
        assert variable in err
    assert BOT_TOKEN not in err + out
