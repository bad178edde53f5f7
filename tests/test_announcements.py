"""Check-in lines grouped into messages: Slack's limits hold, every line is kept once,
and an undo can swap exactly one line."""

from __future__ import annotations

from datetime import date

from bot.domain.activities import BUILT_IN
from bot.domain.goals import ActivityProgress
from bot.domain.weeks import week_start
from bot.messages.announcements import block_id, grouped, replace_line
from bot.messages.blocks import MAX_BLOCKS
from bot.messages.checkin import Logged, announcement, announcement_undone
from bot.messages.weekly import MESSAGE_TEXT_BUDGET, text_size
from bot.standin import block_errors

TODAY = date(2026, 11, 26)
MEETING = BUILT_IN[0]


def line(n: int, note: str = "") -> tuple[int, dict[str, object]]:
    logged = Logged(f"U{n}", MEETING, 1, TODAY, note)
    return n, announcement(
        f"Rep {n}", logged, ActivityProgress(MEETING, n, 6), TODAY, week_start(TODAY)
    )


def test_one_line_is_one_message_as_before() -> None:
    [(ids, message)] = grouped([line(1)])
    assert ids == [1]
    assert message["text"] == line(1)[1]["text"]
    assert [b["block_id"] for b in message["blocks"]] == [block_id(1)]


def test_many_lines_split_within_slacks_limits_in_order() -> None:
    lines = [line(n, "x" * 280) for n in range(1, 121)]
    messages = grouped(lines)
    assert [i for ids, _ in messages for i in ids] == list(range(1, 121))
    for ids, message in messages:
        assert len(message["blocks"]) == len(ids) <= MAX_BLOCKS
        assert text_size(message["blocks"]) <= MESSAGE_TEXT_BUDGET
        assert block_errors(message["blocks"]) == []
        assert len(message["text"].splitlines()) == len(ids)


def test_replace_line_swaps_only_that_checkins_line() -> None:
    [(_, message)] = grouped([line(1), line(2), line(3)])
    struck = announcement_undone("Rep 2", Logged("U2", MEETING, 1, TODAY, ""), TODAY)
    replaced = replace_line(message["blocks"], 2, struck)
    assert replaced is not None
    old, new = message["text"].splitlines(), replaced["text"].splitlines()
    assert new[0] == old[0] and new[2] == old[2]
    assert new[1] == struck["text"]
    assert replace_line(message["blocks"], 9, struck) is None
