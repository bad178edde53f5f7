"""``make run`` without credentials: the demo runs the real app and prints a transcript."""

from __future__ import annotations

import pytest

from bot.serving.demo import run_demo


async def test_demo_prints_what_reps_and_the_team_see(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo() == 0  # also: no payload was rejected by the stand-in
    out = capsys.readouterr().out
    assert "Alice types: /logmeeting 2" in out and "Logged *2 meetings" in out
    assert "didn't count it twice" in out and "Nothing was recorded." in out
    assert "What the team sees" in out and "*Alice* logged 2 meetings" in out
