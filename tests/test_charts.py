"""The charts: valid PNGs that grow with the team, the same reps and numbers in the
picture and its alt text, quiet (no warnings, nothing printed) and deterministic."""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import sys
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.messages.charts import (
    ALT_TEXT_LIMIT,
    MAX_ROWS,
    RepShare,
    Share,
    name_label,
    percent,
    shown,
    summary_alt_text,
    summary_chart,
    trend_alt_text,
    trend_chart,
)
from bot.messages.charts.drawing import LABEL_PT, NAME_PX, width_px

ACTIVITIES = ("meetings", "calls")
WEEKS = tuple(f"W{n}" for n in range(41, 49))
HISTORY: list[tuple[str, Share]] = list(
    zip(WEEKS, (0.71, 0.78, 0.69, None, 0.8, 0.85, 0.9, 0.83), strict=True)
)
TEAM = [
    RepShare("Amélie Laurent", {"meetings": 1.33, "calls": 1.1}),
    RepShare("Jonas Müller", {"meetings": 1.17, "calls": 1.0}),
    RepShare("Priya Raghunathan", {"meetings": 1.0, "calls": 2.4}),
    RepShare("Marcus Chen", {"meetings": 1.0, "calls": 0.88}, away=True),
    RepShare("Sofia García", {"meetings": 0.67, "calls": 0.95}),
    RepShare("Dan O'Brien", {"meetings": 0.5, "calls": None}),
    RepShare("Kwame Mensah", {"meetings": 0.33, "calls": 0.4}),
    RepShare("Noor Haddad", {"meetings": None, "calls": None}),
]
MISSED: list[tuple[str, Sequence[Share]]] = [
    ("Kwame Mensah", (0.6, 0.7, 0.5, None, 0.8, 0.4, 0.3, 0.36)),
    ("Marcus Chen", (None, None, 0.8, None, 1.0, 1.1, 1.0, 0.94)),
]
TITLE = "Week 48, 2026: results"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which must come first."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def team(size: int) -> list[RepShare]:
    return [RepShare(f"Rep {i:03}", {"meetings": i / size, "calls": 1.0}) for i in range(size)]


# ------------------------------------------------------------------- the images


def test_summary_is_a_png_1000_px_wide() -> None:
    width, height = png_size(summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY))
    assert width == 1000
    assert 1000 < height < 2000


def test_trend_is_a_png_1000_px_wide() -> None:
    width, height = png_size(trend_chart("Missed a goal", WEEKS, MISSED))
    assert width == 1000
    assert 500 < height < 1500


def test_height_grows_with_the_team_then_stops_at_the_shown_rows() -> None:
    heights = [png_size(summary_chart(TITLE, ACTIVITIES, team(n), HISTORY))[1] for n in (3, 10, 50)]
    assert heights == sorted(set(heights))
    per_rep = (heights[2] - heights[1]) / 40
    assert per_rep >= 70  # a row stays as tall in a big team: legible names
    truncated = png_size(summary_chart(TITLE, ACTIVITIES, team(60), HISTORY))[1]
    assert truncated == heights[2] + per_rep  # 50 reps and the "… 10 more reps" row
    assert png_size(summary_chart(TITLE, ACTIVITIES, team(500), HISTORY))[1] == truncated


def test_trend_height_grows_with_reps() -> None:
    one, four = (png_size(trend_chart("t", WEEKS, MISSED[:1] * n))[1] for n in (1, 4))
    assert four > one
    assert png_size(trend_chart("t", WEEKS, MISSED[:1] * 500))[1] == one + 50 * (four - one) // 3


def test_same_numbers_same_bytes_and_no_version_or_time_inside() -> None:
    first = summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY)
    assert summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY) == first
    assert trend_chart("t", WEEKS, MISSED) == trend_chart("t", WEEKS, MISSED)
    assert b"Software" not in first and b"matplotlib" not in first.lower()
    assert b"tIME" not in first


def test_threads_draw_the_same_bytes_as_one_thread() -> None:
    alone = summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY)
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda _: summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY), range(8)))
    assert drawn == [alone] * 8


@pytest.mark.parametrize(
    "reps, history",
    [
        ([], HISTORY),
        (TEAM, []),
        ([RepShare("Away all week", {"meetings": None}, away=True)], [("W48", None)]),
        ([RepShare("Odd numbers", {"meetings": float("nan"), "calls": -1.0})], HISTORY),
        ([RepShare("Huge", {"meetings": 40.0, "calls": 0.0})], [("W48", 7.5)]),
        ([RepShare("Other activity only", {"demos": 1.0})], HISTORY),
    ],
)
def test_odd_weeks_still_draw(reps: list[RepShare], history: list[tuple[str, Share]]) -> None:
    assert png_size(summary_chart(TITLE, ACTIVITIES, reps, history))[0] == 1000
    assert len(summary_alt_text(TITLE, ACTIVITIES, reps, history)) <= ALT_TEXT_LIMIT


@pytest.mark.parametrize(
    "weeks, reps",
    [
        (WEEKS, []),
        ((), MISSED),
        (WEEKS, [("Never had a goal", [None] * 8)]),
        (WEEKS, [("Short history", [0.5])]),
        (WEEKS, [("Long history", [0.5] * 20)]),
    ],
)
def test_odd_trends_still_draw(weeks: Sequence[str], reps: list[tuple[str, list[Share]]]) -> None:
    assert png_size(trend_chart("t", weeks, reps))[0] == 1000
    assert len(trend_alt_text("t", weeks, reps)) <= ALT_TEXT_LIMIT


HARD_NAMES = [
    "田中 太郎",  # no CJK in DejaVu Sans: boxes, quietly
    "Zoë 🌴 Ørsted",  # an emoji in a Slack display name
    "Bob $x^2$ Smith",  # would be mathtext
    "Line\nbreak\tand tabs",
    "Ana" + "\u200d" * 3,  # joiners
    "🎉🎉",  # nothing drawable at all
    "W" * 80,
]


def test_no_warning_and_no_log_for_any_name(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    reps = [RepShare(name, {"meetings": 0.5}) for name in HARD_NAMES]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary_chart(" ".join(HARD_NAMES), ACTIVITIES, reps, HISTORY)
        trend_chart(HARD_NAMES[0], ["W$1$", "週"], [(name, [0.5, 1.0]) for name in HARD_NAMES])
    assert caplog.records == []


def test_a_fresh_process_prints_nothing(tmp_path: Path) -> None:
    """A first run (no matplotlib cache yet, no display) writes nothing to the terminal."""
    script = (
        "from bot.messages.charts import RepShare, summary_chart, trend_chart\n"
        "summary_chart('t', ['calls'], [RepShare('Zoë 田中', {'calls': 0.5})], [('W1', 0.5)])\n"
        "trend_chart('t', ['W1'], [('Zoë', [0.5])])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    env["MPLCONFIGDIR"] = str(tmp_path / "fresh")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (
        "pyplot"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, bot.messages.charts; print(sorted(sys.modules))"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )


# ---------------------------------------------------------------------- names


def test_long_names_are_cut_to_the_margin_with_an_ellipsis() -> None:
    label = name_label("Priya Raghunathan-Venkataraman of the Northern Territories")
    assert label.startswith("Priya Ragh") and label.endswith("…")
    assert width_px(label, LABEL_PT) <= NAME_PX
    assert width_px(name_label("W" * 80), LABEL_PT) <= NAME_PX
    assert name_label("Sofia García") == "Sofia García"


def test_names_are_drawn_as_the_font_can() -> None:
    assert name_label("Zoë 🌴 Ørsted") == "Zoë Ørsted"
    assert name_label("田中 太郎") == "□□ □□"
    assert name_label("Bob $x^2$") == "Bob $x^2$"
    assert name_label("Line\nbreak") == "Line break"
    assert name_label("🎉") == "?"


# ------------------------------------------------------------ rows and numbers


def test_more_than_50_reps_show_the_first_and_last_25() -> None:
    rows = shown(list(range(60)))
    assert rows.head == tuple(range(25)) and rows.tail == tuple(range(35, 60))
    assert rows.hidden == 10 and rows.gap_label == "… 10 more reps"
    assert list(rows.rows()) == [*range(25), "… 10 more reps", *range(35, 60)]
    assert shown(list(range(51))).gap_label == "… 1 more rep"
    everyone = shown(list(range(MAX_ROWS)))
    assert everyone.items == tuple(range(MAX_ROWS)) and everyone.gap_label is None


def test_percent_rounds_down_so_short_of_goal_never_reads_100() -> None:
    assert [percent(s) for s in (0.999, 1.0, 0.29, 0.0, 2.4)] == [
        "99%",
        "100%",
        "29%",
        "0%",
        "240%",
    ]


# -------------------------------------------------------------------- alt text


def test_summary_alt_text_names_every_rep_and_the_team() -> None:
    text = summary_alt_text(TITLE, ACTIVITIES, TEAM, HISTORY)
    assert text.startswith(f"Bar chart: {TITLE}. Team: 83% of goal this week; ")
    assert "8-week trend from 71% to 83%" in text
    for rep in TEAM:
        assert rep.name in text
    assert "Marcus Chen (away part of the week): meetings 100%, calls 88%" in text
    assert "Dan O'Brien: meetings 50%, calls no goal" in text
    assert "Noor Haddad: no goal" in text
    assert "Priya Raghunathan: meetings 100%, calls 240%" in text
    assert len(text) <= ALT_TEXT_LIMIT


def test_summary_alt_text_follows_the_rows_shown() -> None:
    reps = team(60)
    text = summary_alt_text(TITLE, ACTIVITIES, reps, HISTORY)
    assert len(text) <= ALT_TEXT_LIMIT
    assert "; … 10 more reps; " in text
    for rep in shown(reps).items:
        assert rep.name in text
    for rep in reps[25:35]:
        assert rep.name not in text


def test_alt_text_stays_within_slacks_limit_whatever_the_names() -> None:
    reps = [RepShare(f"{'Long name ' * 8}{i}", {"meetings": 0.5}) for i in range(500)]
    text = summary_alt_text(TITLE * 20, ACTIVITIES, reps, HISTORY)
    assert len(text) <= ALT_TEXT_LIMIT
    trend = trend_alt_text(TITLE, WEEKS, [(rep.name, [0.5] * 8) for rep in reps])
    assert len(trend) <= ALT_TEXT_LIMIT and "more" in trend


def test_summary_alt_text_without_history_or_reps() -> None:
    assert summary_alt_text(TITLE, ACTIVITIES, [], []) == (
        f"Bar chart: {TITLE}. No reps on the team this week."
    )
    no_goal = summary_alt_text(TITLE, ACTIVITIES, TEAM, [("W48", None)])
    assert "Team: no goal this week." in no_goal


def test_trend_alt_text_gives_each_reps_weeks() -> None:
    text = trend_alt_text("Missed a goal", WEEKS, MISSED)
    assert text.startswith("Line chart: Missed a goal. Each rep's share of weekly goal, W41 to W48")
    assert "Kwame Mensah: W41 60%, W42 70%, W43 50%, W44 no goal" in text
    assert "Marcus Chen: W41 no goal, W42 no goal, W43 80%" in text
    assert text.endswith("W48 94%.")


def test_trend_alt_text_shortens_to_a_summary_per_rep_for_big_teams() -> None:
    reps = [(f"Rep {i:02}", [0.5, 1.2] * 4) for i in range(15)]
    text = trend_alt_text("t", WEEKS, reps)
    assert "Rep 00: this week 120%, missed 4 of 8 weeks" in text
    assert all(name in text for name, _ in reps)
