"""The ``huddle`` command line, run as a real process against the stand-in."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.serving import cli
from bot.standin import SlackWebAPIStandIn
from tests.clock import FakeClock
from tests.conftest import BOT_TOKEN, CHANNEL, REPS, environment

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


async def summary_at(
    moment: datetime,
    *args: str,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """``huddle summary`` run in this process at ``moment`` (a subprocess would read the
    machine's clock)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = await asyncio.to_thread(cli.main, ["summary", *args], FakeClock(moment))
    out, err = capsys.readouterr()
    return code, out, err


NY = ZoneInfo("America/New_York")


async def test_summary_without_week_on_monday_summarises_last_week(
    database_url: str,
    slack: SlackWebAPIStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    env = environment(database_url, slack)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=NY)
    code, out, _ = await summary_at(monday, env=env, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "sent summary:CHUDDLE01:2026-W48" in out
    [post] = [m for m in slack.top_level_messages(CHANNEL) if "results" in m.text]
    assert post.text.startswith("Week of Mon 23 Nov — results")
    assert "W49" not in out


async def test_summary_of_a_week_not_ended_is_refused_unless_named(
    database_url: str,
    slack: SlackWebAPIStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    env = environment(database_url, slack)
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=NY)
    code, out, err = await summary_at(saturday, env=env, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1, (out, err)
    assert "The week of Mon 23 Nov 2026 (2026-W48) has not ended" in err
    assert "huddle summary --week 2026-W48" in err and "Nothing was posted." in err
    assert slack.messages_in(CHANNEL) == [] and slack.calls_to("chat.postMessage") == []

    next_week = ("--week", "2026-W49")
    code, _, err = await summary_at(
        saturday, *next_week, env=env, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1 and "has not begun yet" in err

    named = ("--week", "2026-W48")
    code, out, _ = await summary_at(
        saturday, *named, env=env, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0 and "sent summary:CHUDDLE01:2026-W48" in out
