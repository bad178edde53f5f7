"""Property-based: whatever a person types after any command, the answer is private,
the handler never fails, and the database adds up to exactly what the replies said.

Hypothesis builds the text from the grammar's own words (counts, days, activity names,
``/huddle`` verbs, mentions) mixed with arbitrary Unicode, so examples reach deep into
the parsers instead of stopping at the first unknown word. The app keeps its database
across examples, so the invariant is checked on a growing history, not a fresh one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.standin import block_errors
from tests.conftest import MANAGER, Running
from tests.reliability.helpers import live_total

WORDS = [
    *("0", "1", "2", "7", "50", "51", "007", "-1", "1.5", "3M", "9" * 30),
    *("today", "yesterday", "mon", "Tue", "sunday", "thu", "2026-11-25", "2026-11-27"),
    *("2026-02-30", "2025-01-01", "2026-11-19", "meeting", "Calls", "follow-ups", "referral"),
    *("goal", "away", "until", "back", "undo", "board", "help", "manager", "add", "remove"),
    *("settings", "off", "<@UBOB|bob>", "<@UALICE>", "<@UMANAGER1|morgan>", "<!channel>"),
    *("@here", "`", "*", "&lt;", "&amp;", "\n", "\t", "\u200b", "\x00", "🎯", "ı", "ß"),
    *("payload", "payload=", "%00", "&", "=", "+"),
]
TEXT = st.one_of(
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=8).map(" ".join),
    st.text(max_size=300),
)
COMMANDS = [
    "/logmeeting",
    "/logcall",
    "/logfollowup",
    "/logreferral",
    "/log",
    "/progress",
    "/huddle",
]
LOGGED = re.compile(r"^Logged (\d+) ")
UNDONE = re.compile(r"^Undone: (\d+) ")


@dataclass
class Tally:
    """What the replies said was recorded and undone, summed over every example."""

    accepted: int = 0


@pytest.fixture
def tally() -> Tally:
    return Tally()


@pytest.mark.parametrize("command", COMMANDS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT, manager=st.booleans())
@example(text="2 sent the payload deck", manager=False)  # Bolt took it for an interaction
@example(text="1 nul\x00byte", manager=False)  # PostgreSQL text cannot hold a NUL
async def test_any_text_gets_a_private_answer_and_the_counts_add_up(
    running: Running,
    tally: Tally,
    caplog: pytest.LogCaptureFixture,
    command: str,
    text: str,
    manager: bool,
) -> None:
    caplog.set_level(logging.ERROR)
    user = MANAGER if manager else "UALICE"
    response = await running.users.command(user, command, text)
    assert response.status == 200, response.text[:300]
    body = response.json
    assert isinstance(body, dict) and (body.get("text") or body.get("blocks"))
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert block_errors(body.get("blocks", [])) == []
    if found := LOGGED.match(body["text"]):
        tally.accepted += int(found[1])
    elif found := UNDONE.match(body["text"]):
        tally.accepted -= int(found[1])
    assert await live_total(running) == tally.accepted
    assert [r.getMessage() for r in caplog.records] == []
