"""The scheduled posts' builders: content, privacy (no pings) and Slack's limits."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from bot.domain.activities import BUILT_IN
from bot.domain.goals import TEAM_DEFAULT, GoalRow, rep_week
from bot.messages import Message
from bot.messages.text import pack_lines
from bot.messages.weekly import (
    MAX_NAME,
    MESSAGE_TEXT_BUDGET,
    NUDGE_LOG_ACTION,
    RepLine,
    board,
    digest,
    nudge,
    nudge_action_id,
    nudge_activity,
    summary,
    text_size,
)
from bot.standin import block_errors, visible_text

THURSDAY = date(2026, 11, 26)
MONDAY = date(2026, 11, 23)
GOALS = {"meeting": 6, "call": 20}
HOSTILE = ["<!channel> Eve", "<@U1> Mallory", "<#C1|general> Trent", "@here Oscar", "<!here>"]


def rep(
    user_id: str,
    name: str,
    totals: Mapping[str, int] | None = None,
    goals: Mapping[str, int] | None = None,
    away: list[tuple[date, date]] | None = None,
) -> RepLine:
    rows = [
        GoalRow(key, TEAM_DEFAULT, date(2026, 1, 5), target)
        for key, target in (GOALS if goals is None else goals).items()
    ]
    week = rep_week(user_id, THURSDAY, BUILT_IN, totals or {}, rows, away or [])
    return RepLine(user_id, name, week)


def assert_valid(msg: Message) -> None:
    assert set(msg) == {"text", "blocks"}
    assert msg["text"]
    assert len(msg["text"]) <= 40_000
    assert len(msg["blocks"]) <= 50
    assert text_size(msg["blocks"]) <= MESSAGE_TEXT_BUDGET
    assert block_errors(msg["blocks"]) == []


def assert_no_pings(msg: Message) -> None:
    raw = json.dumps(msg, ensure_ascii=False)
    for control in ("<@", "<!", "<#"):
        assert control not in raw


def everything(messages: list[Message]) -> str:
    return "\n".join(visible_text(m["text"], m["blocks"]) for m in messages)


def blocks_text(messages: list[Message]) -> str:
    return "\n".join(visible_text("", m["blocks"]) for m in messages)


def team(n: int, *, name_len: int = 0) -> list[RepLine]:
    lines = []
    for i in range(n):
        name = f"Rep {i:05d}" + ("x" * name_len)
        lines.append(rep(f"U{i:05d}", name, {"meeting": i % 8, "call": (i * 7) % 25}))
    return lines


def test_dates_are_what_the_examples_say() -> None:
    assert THURSDAY.strftime("%a") == "Thu"
    assert MONDAY.strftime("%a") == "Mon"


# ----------------------------------------------------------------------- board


def test_board_lists_each_rep_by_name_with_progress() -> None:
    lines = [
        rep("U2", "Bob", {"meeting": 3, "call": 20}),
        rep("U1", "alice", {"meeting": 6, "call": 4}),
        rep("U3", "Dana", {"meeting": 2, "referral": 1}, goals={}),
        rep("U4", "Cara", {}, goals={}),
    ]
    msg = board(THURSDAY, lines)
    assert_valid(msg)
    assert msg["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Daily huddle · Thu 26 Nov"},
    }
    body = blocks_text([msg])
    assert "*Bob* — 3/6 meetings ▰▰▱▱▱ · 20/20 calls ✅" in body
    assert "*alice* — 6/6 meetings ✅ · 4/20 calls ▰▱▱▱▱" in body
    assert "*Dana* — 2 meetings · 1 referral" in body
    assert "*Cara* — nothing yet" in body
    order = [body.index(f"*{n}*") for n in ("alice", "Bob", "Cara", "Dana")]
    assert order == sorted(order)
    hint = msg["blocks"][-1]
    assert hint["type"] == "context"
    assert "/logmeeting" in hint["elements"][0]["text"]
    assert "thread" in hint["elements"][0]["text"]


def test_board_is_a_pure_function_of_the_data() -> None:
    lines = [rep("U1", "Alice", {"meeting": 1}), rep("U2", "Bob", {"call": 3})]
    assert board(THURSDAY, lines) == board(THURSDAY, list(reversed(lines)))


def test_board_marks_away_reps() -> None:
    away = [(date(2026, 11, 23), date(2026, 11, 24))]
    msg = board(THURSDAY, [rep("U1", "Alice", {"meeting": 1}, away=away)])
    assert "1/4 meetings" in blocks_text([msg])
    assert "_away 2 days_" in blocks_text([msg])


def test_board_with_no_reps() -> None:
    msg = board(THURSDAY, [])
    assert_valid(msg)
    assert "join this channel" in blocks_text([msg])


def test_board_never_pings() -> None:
    lines = [rep(f"U{i}", name, {"meeting": 1}) for i, name in enumerate(HOSTILE)]
    msg = board(THURSDAY, lines)
    assert_valid(msg)
    assert_no_pings(msg)
    assert "&lt;!channel&gt; Eve" in blocks_text([msg])


@pytest.mark.parametrize("n", [1, 10, 100])
def test_board_shows_every_rep_of_a_normal_team(n: int) -> None:
    msg = board(THURSDAY, team(n))
    assert_valid(msg)
    assert text_size(msg["blocks"]) <= MESSAGE_TEXT_BUDGET
    body = blocks_text([msg])
    for i in range(n):
        assert body.count(f"*Rep {i:05d}*") == 1
    assert "more reps" not in body


@pytest.mark.parametrize("n", [500, 5000])
@pytest.mark.parametrize("name_len", [0, 200])
def test_board_for_a_huge_team_stays_within_limits(n: int, name_len: int) -> None:
    msg = board(THURSDAY, team(n, name_len=name_len))
    assert_valid(msg)
    assert text_size(msg["blocks"]) <= MESSAGE_TEXT_BUDGET
    body = blocks_text([msg])
    shown = sum(1 for line in body.splitlines() if line.startswith("*Rep "))
    assert shown > 0
    note = msg["blocks"][-2]["elements"][0]["text"]
    assert note.startswith(f"…and {n - shown} more reps")
    assert msg["blocks"][-1]["elements"][0]["text"].startswith("Log with")


# ----------------------------------------------------------------------- nudge


def test_nudge_says_exactly_what_is_left() -> None:
    line = rep("U1", "Alice", {"meeting": 5, "call": 12, "referral": 2})
    msg = nudge(line, "Friday 9:00")
    assert_valid(msg)
    section = msg["blocks"][0]["text"]["text"]
    assert section == (
        "Hi Alice — to hit this week's goals before Friday 9:00:\n"
        "• *1 meeting* to go (5 of 6)\n"
        "• *8 calls* to go (12 of 20)"
    )
    assert "1 meeting to go" in msg["text"]
    assert "8 calls to go" in msg["text"]
    buttons = msg["blocks"][-1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Log a meeting", "Log a call"]
    assert [b["value"] for b in buttons] == ["meeting", "call"]
    assert [nudge_activity(b["action_id"]) for b in buttons] == ["meeting", "call"]
    assert len({b["action_id"] for b in buttons}) == len(buttons)


def test_nudge_lists_only_unmet_goals() -> None:
    line = rep("U1", "Alice", {"meeting": 6, "call": 19})
    msg = nudge(line, "Fri 09:00")
    assert_valid(msg)
    assert "1 call to go (19 of 20)" in msg["text"]
    assert "meeting" not in msg["text"]
    assert [b["value"] for b in msg["blocks"][-1]["elements"]] == ["call"]


def test_nudge_button_wording_for_every_built_in() -> None:
    goals = {a.key: 2 for a in BUILT_IN}
    msg = nudge(rep("U1", "Alice", {}, goals=goals), "Friday")
    assert_valid(msg)
    labels = [b["text"]["text"] for b in msg["blocks"][-1]["elements"]]
    assert labels == ["Log a meeting", "Log a call", "Log a follow-up", "Log a referral"]
    assert "2 follow-ups to go" in msg["text"]


def test_nudge_says_the_goal_is_prorated_when_away() -> None:
    away = [(date(2026, 11, 23), date(2026, 11, 24))]  # present 3 of 5 → 4 meetings
    msg = nudge(rep("U1", "Alice", {"meeting": 1}, away=away), "Friday 9:00")
    assert_valid(msg)
    assert "3 meetings to go (1 of 4)" in msg["text"]
    assert "prorated" in everything([msg])


def test_nudge_escapes_the_name() -> None:
    msg = nudge(rep("U1", "<!channel>", {"meeting": 1}), "<Friday>")
    assert_valid(msg)
    assert_no_pings(msg)


def test_nudge_for_someone_at_goal_has_no_buttons() -> None:
    msg = nudge(rep("U1", "Alice", {"meeting": 6, "call": 20}), "Friday")
    assert_valid(msg)
    assert all(b["type"] != "actions" for b in msg["blocks"])


def test_nudge_action_ids_round_trip() -> None:
    assert nudge_action_id("meeting") == f"{NUDGE_LOG_ACTION}:meeting"
    assert nudge_activity(nudge_action_id("followup")) == "followup"
    assert nudge_activity(NUDGE_LOG_ACTION) is None
    assert nudge_activity("undo_checkin") is None


# --------------------------------------------------------------------- summary


def test_summary_ranks_reps_by_share_met() -> None:
    away = [(date(2026, 11, 23), date(2026, 11, 25))]  # 3 days away → 3 meetings, 8 calls
    lines = [
        rep("U2", "Bob", {"meeting": 4, "call": 20}),
        rep("U1", "Alice", {"meeting": 6, "call": 22}),
        rep("U3", "Cara", {"meeting": 3, "call": 8}, away=away),
        rep("U4", "Dan", {"meeting": 0, "call": 2}),
    ]
    messages = summary(MONDAY, lines)
    assert len(messages) == 1
    msg = messages[0]
    assert_valid(msg)
    assert msg["blocks"][0]["text"]["text"] == "Week of Mon 23 Nov — results"
    body = blocks_text(messages)
    expected = [
        "✅ Alice — meetings 6/6 · calls 22/20",
        "✅ Cara — meetings 3/3 · calls 8/8",
        "❌ Bob — meetings 4/6 (2 short) · calls 20/20",
        "❌ Dan — meetings 0/6 (6 short) · calls 2/20 (18 short)",
    ]
    positions = [body.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "*Meetings*: 13/21 · 61%" in body
    assert "*Calls*: 52/68 · 76%" in body
    assert "2 of 4 reps hit every goal; on average reps met 72% of their goals." in body
    assert "*Away this week:* Cara (3 days)" in body


def test_summary_accepts_any_day_of_the_week() -> None:
    assert summary(THURSDAY, [rep("U1", "Alice")]) == summary(MONDAY, [rep("U1", "Alice")])


def test_summary_ties_are_broken_by_name() -> None:
    lines = [rep("U1", "zed", {"meeting": 3}), rep("U2", "Amy", {"meeting": 3})]
    body = blocks_text(summary(MONDAY, lines))
    assert body.index("Amy") < body.index("zed")


def test_summary_lists_every_away_rep_with_days() -> None:
    lines = [
        rep("U1", "Zoe", away=[(date(2026, 11, 27), date(2026, 11, 27))]),
        rep("U2", "Cara", away=[(date(2026, 11, 1), date(2026, 12, 31))]),
        rep("U3", "Bob"),
    ]
    body = blocks_text(summary(MONDAY, lines))
    assert "*Away this week:* Cara (5 days), Zoe (1 day)" in body
    assert "➖ Cara — no goal this week" in body


def test_summary_of_an_empty_team() -> None:
    messages = summary(MONDAY, [])
    assert len(messages) == 1
    assert_valid(messages[0])


def test_summary_never_pings() -> None:
    lines = [rep(f"U{i}", name, {"meeting": i}) for i, name in enumerate(HOSTILE)]
    lines.append(rep("U9", "<@U1>", away=[(MONDAY, MONDAY)]))
    for msg in summary(MONDAY, lines):
        assert_valid(msg)
        assert_no_pings(msg)


@pytest.mark.parametrize("n", [1, 10, 500, 5000])
@pytest.mark.parametrize("name_len", [0, 200])
def test_summary_splits_large_teams_within_limits(n: int, name_len: int) -> None:
    lines = team(n, name_len=name_len)
    messages = summary(MONDAY, lines)
    for msg in messages:
        assert_valid(msg)
        assert_no_pings(msg)
    assert messages[0]["blocks"][0]["type"] == "header"
    assert "Team totals" in blocks_text(messages[:1])
    total = len(messages)
    for k, msg in enumerate(messages[1:], start=2):
        assert f"(continued, part {k} of {total})" in msg["text"]
        assert f"(continued, part {k} of {total})" in blocks_text([msg])
        assert all(b["type"] != "header" for b in msg["blocks"])
    body = blocks_text(messages)
    seen = Counter(
        line.split(" — ")[0][2:] for line in body.splitlines() if line[:2] in ("✅ ", "❌ ", "➖ ")
    )
    assert len(seen) == n
    assert set(seen.values()) == {1}
    if name_len:
        assert f"Rep 00000{'x' * (MAX_NAME - 10)}…" in body
        assert "x" * (MAX_NAME + 1) not in body
    if n >= 500:
        assert total > 1


def test_summary_honours_a_smaller_block_budget() -> None:
    lines = team(500)
    messages = summary(MONDAY, lines, blocks_per_message=5)
    assert len(messages) > 2
    for msg in messages:
        assert_valid(msg)
        assert len(msg["blocks"]) <= 5
    with pytest.raises(ValueError):
        summary(MONDAY, lines, blocks_per_message=1)


# ---------------------------------------------------------------------- digest


def test_digest_separates_patterns_from_one_offs() -> None:
    bob = rep("U2", "Bob", {"meeting": 4, "call": 20})
    dan = rep("U4", "Dan", {"meeting": 6, "call": 2})
    eve = rep("U5", "Eve", {"meeting": 5, "call": 20})
    amy = rep("U6", "Amy", {"meeting": 5, "call": 20})
    messages = digest(MONDAY, [eve, bob, dan, amy], {"U2": 4, "U4": 2, "U5": 3, "U6": 1})
    assert len(messages) == 1
    msg = messages[0]
    assert_valid(msg)
    body = blocks_text(messages)
    pattern, one_off = body.split("one-off (one or two misses are not a pattern):*")
    assert "Missed a goal this week — pattern (missed in 3 or more of the last 4 weeks)" in pattern
    assert (
        "• Bob — meetings 4/6 (2 short) · missed 4 of the last 4 weeks\n"
        "• Eve — meetings 5/6 (1 short) · missed 3 of the last 4 weeks"
    ) in pattern
    assert "Dan" not in pattern
    assert "Amy" not in pattern
    assert (
        "• Dan — calls 2/20 (18 short) · missed 2 of the last 4 weeks\n"
        "• Amy — meetings 5/6 (1 short) · missed 1 of the last 4 weeks"
    ) in one_off
    assert "4 reps missed a goal this week: 2 with a pattern, 2 one-off." in msg["text"]


def test_digest_treats_unknown_history_as_a_one_off() -> None:
    messages = digest(MONDAY, [rep("U2", "Bob", {"meeting": 4})], {})
    pattern, one_off = blocks_text(messages).split("one-off (one or two")
    assert "weeks):*\nnobody" in pattern
    assert "• Bob — meetings 4/6 (2 short) · calls 0/20 (20 short) · missed 1 of" in one_off


def test_digest_when_nobody_missed() -> None:
    messages = digest(MONDAY, [], {"U1": 2})
    assert len(messages) == 1
    assert_valid(messages[0])
    assert "Nobody missed a goal" in messages[0]["text"]


def test_digest_escapes_names() -> None:
    lines = [rep(f"U{i}", name, {"meeting": 1}) for i, name in enumerate(HOSTILE)]
    for msg in digest(MONDAY, lines, {}):
        assert_valid(msg)
        assert_no_pings(msg)


@pytest.mark.parametrize("n", [500, 5000])
def test_digest_splits_large_teams(n: int) -> None:
    lines = team(n, name_len=100)
    missed = [line for line in lines if line.week.short]
    patterns = {line.user_id: int(line.user_id[1:]) % 5 for line in missed}
    messages = digest(MONDAY, missed, patterns)
    assert len(messages) > 1
    for msg in messages:
        assert_valid(msg)
    names = Counter(
        line[2:].split(" — ")[0]
        for line in blocks_text(messages).splitlines()
        if line.startswith("• ")
    )
    assert len(names) == len(missed)
    assert set(names.values()) == {1}
    for k, msg in enumerate(messages[1:], start=2):
        assert f"(continued, part {k} of {len(messages)})" in msg["text"]


# ---------------------------------------------------------------------- packing


def test_pack_lines_respects_the_limit() -> None:
    lines = ["a" * 10, "b" * 10, "c" * 10, "d" * 50]
    assert pack_lines(lines, limit=21) == [["a" * 10, "b" * 10], ["c" * 10], ["d" * 20 + "…"]]
    assert pack_lines([], limit=10) == []
    groups: list[Any] = pack_lines((f"line {i}" for i in range(1000)), sep=", ")
    assert all(len(", ".join(g)) <= 3000 for g in groups)
    assert sum(len(g) for g in groups) == 1000
