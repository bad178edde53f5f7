"""``make run`` without credentials: the demo plays a whole week through the real app,
tick and planner, and prints what each person sees."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.serving.demo import run_demo

PNG = b"\x89PNG\r\n\x1a\n"


def section(out: str, day: str) -> str:
    """The transcript from the heading of ``day`` (e.g. "Thu 5 Feb 15:00") to the next."""
    start = out.index(f"── {day}")
    following = out.find("\n── ", start + 1)
    return out[start : following if following != -1 else len(out)]


async def test_demo_plays_the_whole_week(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    began = time.monotonic()
    assert await run_demo(tmp_path) == 0  # also: no payload was rejected by the stand-in
    took = time.monotonic() - began
    out = capsys.readouterr().out

    days = ["Mon 2 Feb 09:00", "Tue 3 Feb 09:00", "Wed 4 Feb 09:00", "Thu 5 Feb 09:00"]
    days += ["Thu 5 Feb 15:00", "Fri 6 Feb 09:00"]
    assert [out.index(f"── {day}") for day in days] == sorted(out.index(f"── {d}") for d in days)
    monday = section(out, days[0])
    assert "#sales-huddle:\n    Daily huddle · Mon 2 Feb" in monday

    for rep in ("Alice", "Bob", "Cara", "Dan"):
        assert f"\n{rep} types: /log" in out
    assert "*Cara* logged 1 meeting for today — “Intro with <!channel> & Q&A at Globex”" in monday
    assert "Logged *8 calls for yesterday*" in out  # backdated, in Dan's words
    assert "*Alice* logged 2 meetings for Mon 2 Feb" in out  # backdated by weekday
    assert "Bob presses [Undo]" in out and "~*Bob* logged 1 meeting for today~ (undone)" in out

    wednesday = section(out, days[2])
    assert "Eve joins" in wednesday and "Eve types: /logmeeting 1" in wednesday
    # On Thursday's board, her goals prorated from Wednesday, the day she joined.
    assert "*Eve* — 1/4 meetings" in section(out, days[3])
    assert "_joined this week_" in section(out, days[3])

    nudges = section(out, days[4])
    assert "DM to Bob:" in nudges and "*2 meetings* to go (4 of 6)" in nudges
    assert "*8 calls* to go (12 of 20)" in nudges
    assert "DM to Dan:" in nudges and "DM to Eve:" in nudges
    assert "DM to Alice" not in nudges and "DM to Cara" not in nudges  # at goal by then

    friday = section(out, days[5])
    assert "#sales-huddle:\n    Week of Mon 2 Feb — results" in friday
    assert "✅ Alice" in friday and "❌ Bob" in friday
    digest = friday[friday.index("DM to Morgan:") :]
    pattern, one_off = digest.split("— one-off")[:2]
    assert "• Dan" in pattern.split("— pattern")[1] and "• Bob" in one_off
    for chart in ("summary-chart.png", "digest-chart.png"):
        path = tmp_path / chart
        assert f"saved to {path}" in friday
        png = path.read_bytes()
        assert png.startswith(PNG) and len(png) > 20_000
    assert re.search(r"\[alt text: Bar chart: Week of Mon 2 Feb — results\. Team: \d+%", friday)
    assert took < 60
