"""A connection error is a database failure wherever it surfaces: ``/progress``,
``/huddle`` and the de-duplication of events answer politely (never a 500, never a
traceback) and change nothing, and a check-in's channel line does not depend on
finding today's board. On both databases, for each error a driver raises when its
connection goes away (``tests/faults.py``)."""

from __future__ import annotations

import pytest

from bot.standin.signed import AppResponse
from tests.conftest import CHANNEL, THURSDAY_MORNING, Running, settle
from tests.faults import CONNECTION_ERRORS, database_fails
from tests.seats import seat

ERRORS = pytest.mark.parametrize("error", CONNECTION_ERRORS.values(), ids=list(CONNECTION_ERRORS))


def answered_politely(response: AppResponse) -> None:
    assert response.status == 200, response.text
    assert "Traceback" not in response.text and "Error" not in response.text


@ERRORS
async def test_progress_says_the_database_is_not_answering(
    running: Running, error: Exception
) -> None:
    with database_fails(running.huddle.runtime.engine, error):
        response = await running.users.command("UALICE", "/progress")
        answered_politely(response)
        reply = await running.users.reply(response)
    assert "database isn't answering" in reply.text and "try again" in reply.text


@ERRORS
async def test_huddle_says_nothing_was_changed(running: Running, error: Exception) -> None:
    with database_fails(running.huddle.runtime.engine, error):
        response = await running.users.command("UALICE", "/huddle", "away 2026-12-01")
        answered_politely(response)
        reply = await running.users.reply(response)
    assert "database isn't answering" in reply.text and "Nothing was changed" in reply.text
    assert "You're away" not in reply.all_text
    back = await running.users.reply(await running.users.command("UALICE", "/huddle", "back"))
    assert "no away days" in back.text  # the failed command stored none


@ERRORS
async def test_an_event_is_answered_200_and_handled_once_the_database_is_back(
    running: Running, error: Exception
) -> None:
    with database_fails(running.huddle.runtime.engine, error):
        joined = await running.users.member_joined_channel("UOUTSIDER", CHANNEL)
        answered_politely(joined)
        await settle()
    joined_again = await running.users.member_joined_channel("UOUTSIDER", CHANNEL)
    assert joined_again.status == 200
    await settle()
    olive = await seat(running, "UOUTSIDER")
    assert olive is not None and olive.in_channel


@ERRORS
async def test_a_checkin_line_goes_out_when_todays_board_cannot_be_looked_up(
    running: Running, error: Exception
) -> None:
    """The line belongs in the thread of today's board; when the send ledger cannot say
    where that is, it goes in the channel itself rather than nowhere."""
    slack = running.slack
    running.clock.set(THURSDAY_MORNING.replace(hour=9))
    await running.ticker().tick()
    [board] = slack.top_level_messages(CHANNEL)
    running.clock.set(THURSDAY_MORNING)
    with database_fails(running.huddle.runtime.engine, error, only="send_ledger"):
        reply = await running.users.reply(
            await running.users.command("UALICE", "/logmeeting", "2 Acme")
        )
        assert "Logged 2 meetings" in reply.text
        await slack.wait_until(lambda: len(slack.messages_in(CHANNEL)) == 2)
    line = slack.messages_in(CHANNEL)[1]
    assert "Alice" in line.text and "Acme" in line.text and not line.is_reply
    assert board.ts != line.ts
