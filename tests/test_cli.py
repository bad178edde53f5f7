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
from tests.conftest import BOT_TOKEN, CHANNEL, MANAGER, REPS, Running, environment, settle
from tests.test_teams_admin_e2e import WEST, west

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


async def huddle_at(
    moment: datetime,
    *args: str,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """``huddle`` run in this process at ``moment`` (a subprocess would read the
    machine's clock)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = await asyncio.to_thread(cli.main, list(args), FakeClock(moment))
    out, err = capsys.readouterr()
    return code, out, err


async def summary_at(
    moment: datetime,
    *args: str,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    return await huddle_at(
        moment, "summary", *args, env=env, monkeypatch=monkeypatch, capsys=capsys
    )


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


# Several teams ------------------------------------------------------------------------

SECOND = "CSECOND"
NIA = "UNIA"
THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=NY)


def second_channel(slack: SlackWebAPIStandIn, *, include_bot: bool = True) -> None:
    """``CSECOND``: Nia (its manager to be), Dan and Olive."""
    slack.add_user(NIA, "Nia", tz="Europe/London")
    slack.add_user("UDAN", "Dan", tz="Europe/London")
    slack.add_channel(SECOND, members=[NIA, "UDAN", "UOUTSIDER"], include_bot=include_bot)


class Cli:
    """``huddle`` in this process, at the instant a test sets."""

    def __init__(
        self,
        env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        self.env, self.monkeypatch, self.capsys = env, monkeypatch, capsys
        self.moment = THURSDAY

    async def __call__(self, *args: str) -> tuple[int, str, str]:
        return await huddle_at(
            self.moment, *args, env=self.env, monkeypatch=self.monkeypatch, capsys=self.capsys
        )

    async def add_second_team(self, timezone: str = "Europe/London") -> str:
        code, out, err = await self(
            "team", "add", "--channel", SECOND, "--timezone", timezone, "--manager", NIA
        )
        assert code == 0, err
        return out


@pytest.fixture
def run_cli(
    database_url: str,
    slack: SlackWebAPIStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    monkeypatch.chdir(tmp_path)
    return Cli(environment(database_url, slack), monkeypatch, capsys)


async def test_team_add_then_list_shows_both_teams(slack: SlackWebAPIStandIn, run_cli: Cli) -> None:
    second_channel(slack)
    out = await run_cli.add_second_team()
    assert out.startswith(f"{SECOND} is a team now.")
    code, listed, _ = await run_cli("team", "list")
    assert code == 0 and listed in out
    assert listed.splitlines() == [
        f"{CHANNEL}  America/New_York  huddle mon-thu 09:00 · nudge thu 15:00 · "
        "summary fri 09:00  3 reps, 1 manager",
        f"{SECOND}  Europe/London  huddle mon-thu 09:00 · nudge thu 15:00 · "
        "summary fri 09:00  2 reps, 1 manager",
    ]
    assert slack.calls_to("chat.postMessage") == []


async def test_team_add_refusals_change_nothing(slack: SlackWebAPIStandIn, run_cli: Cli) -> None:
    second_channel(slack, include_bot=False)
    _, before, _ = await run_cli("team", "list")
    refusals = [
        (("--channel", CHANNEL, "--manager", NIA), 2, f"{CHANNEL} is already a team; nothing"),
        (("--channel", SECOND, "--manager", NIA), 2, f"Huddle is not a member of {SECOND}"),
        (("--channel", "CNOWHERE", "--manager", NIA), 2, "Huddle is not a member of CNOWHERE"),
        (("--channel", "#sales", "--manager", NIA), 2, "'#sales' is not a channel ID"),
        (
            ("--channel", SECOND, "--timezone", "Mars/Olympus", "--manager", NIA),
            2,
            "--timezone: 'Mars/Olympus' is not a named geographic IANA timezone",
        ),
        (("--channel", SECOND, "--manager", "@nia"), 2, "'@nia' is not a user ID"),
    ]
    for args, expected_code, message in refusals:
        code, out, err = await run_cli("team", "add", *args)
        assert (code, out) == (expected_code, ""), (args, err)
        assert message in err and "Traceback" not in err, err
    _, after, _ = await run_cli("team", "list")
    assert after == before and len(before.splitlines()) == 1
    assert slack.calls_to("chat.postMessage") == []


async def test_summary_for_one_team_posts_only_there(
    slack: SlackWebAPIStandIn, run_cli: Cli
) -> None:
    second_channel(slack)
    await run_cli.add_second_team()
    code, out, _ = await run_cli("summary", "--week", "2026-W48", "--team", SECOND)
    assert code == 0 and f"{SECOND}: sent summary:{SECOND}:2026-W48" in out
    assert all(line.startswith(f"{SECOND}: ") for line in out.splitlines())
    assert slack.messages_in(CHANNEL) == [] and slack.dms_to(MANAGER) == []
    assert [m.text for m in slack.top_level_messages(SECOND) if "results" in m.text]
    assert slack.dms_to(NIA)  # its manager's digest

    code, out, err = await run_cli("summary", "--week", "2026-W48", "--team", "CNOPE")
    assert (code, out) == (2, "")
    assert f"CNOPE is not a team here (teams: {CHANNEL}, {SECOND})" in err


async def test_summary_decides_each_teams_week_on_its_own_clock(
    slack: SlackWebAPIStandIn, run_cli: Cli
) -> None:
    """Sunday evening in New York is Monday in Auckland: New York's week has not ended
    (refused, for that team only), Auckland's last week has, and is posted."""
    second_channel(slack)
    await run_cli.add_second_team("Pacific/Auckland")
    run_cli.moment = datetime(2026, 11, 29, 20, 0, tzinfo=NY)
    code, out, err = await run_cli("summary")
    assert code == 1
    assert f"{CHANNEL}: The week of Mon 23 Nov 2026 (2026-W48) has not ended" in err
    assert out.splitlines()[0] == f"{SECOND}: sent summary:{SECOND}:2026-W48"
    assert CHANNEL not in out
    assert slack.messages_in(CHANNEL) == [] and slack.top_level_messages(SECOND)


async def test_nudge_for_one_team_names_it(slack: SlackWebAPIStandIn, run_cli: Cli) -> None:
    second_channel(slack)
    await run_cli.add_second_team()
    code, out, _ = await run_cli("nudge", "--dry-run", "--team", SECOND)
    assert code == 0 and out.count(f"{SECOND}: would send nudge:") == 2
    assert not any(user in out for user in REPS)


async def test_report_with_several_teams_asks_which(
    slack: SlackWebAPIStandIn, run_cli: Cli, tmp_path: Path
) -> None:
    chart = tmp_path / "week.png"
    code, out, _ = await run_cli("report", "--out", str(chart))  # the only team
    assert code == 0 and out.startswith(f"Wrote {chart}") and chart.exists()
    chart.unlink()
    second_channel(slack)
    await run_cli.add_second_team()
    code, out, err = await run_cli("report", "--out", str(chart))
    assert (code, out) == (2, "") and not chart.exists()
    assert f"this workspace has 2 teams ({CHANNEL}, {SECOND}): name one with --team" in err
    code, out, _ = await run_cli(
        "report", "--team", SECOND, "--week", "2026-W48", "--out", str(chart)
    )
    assert code == 0 and chart.exists()


async def test_export_of_one_team_or_every_team_with_its_channel(
    running: Running, tmp_path: Path
) -> None:
    await west(running)  # CWEST: Dana manages it, Eve and Olive are its reps
    logged = [("UALICE", CHANNEL, "2"), ("UOUTSIDER", WEST, "3")]
    for user_id, channel, count in logged:
        response = await running.users.command(user_id, "/logcall", count, channel_id=channel)
        assert "call" in (await running.users.reply(response)).text
    await settle()
    env = environment(str(running.huddle.runtime.settings.database_url), running.slack)

    def rows(csv: str) -> list[tuple[str, str, str]]:
        lines = [line.split(",") for line in csv.splitlines()[1:]]
        return [(cells[3], cells[6], cells[11]) for cells in lines]

    code, out, _ = await huddle("export", env=env, cwd=tmp_path)
    assert code == 0 and rows(out) == [("UALICE", "2", CHANNEL), ("UOUTSIDER", "3", WEST)]
    code, out, _ = await huddle("export", "--team", WEST, env=env, cwd=tmp_path)
    assert code == 0 and rows(out) == [("UOUTSIDER", "3", WEST)]
    code, out, err = await huddle("export", "--team", "CNOPE", env=env, cwd=tmp_path)
    assert (code, out) == (2, "") and f"(teams: {CHANNEL}, {WEST})" in err
