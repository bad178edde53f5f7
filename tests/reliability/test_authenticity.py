"""Only Slack can make Huddle act, and only once per request.

Every entry point (slash commands, interactivity, events) refuses a forged, missing,
stale or far-future signature with 401 and changes nothing. A valid request captured
and sent again byte for byte (same timestamp, same signature) is answered without
doing anything a second time, even where doing it again would look legitimate: a
second ``/logmeeting`` after the 30-second repeat guard, a second **Log it again**,
a second ``/huddle undo``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import pytest

from bot.standin import AppResponse, SignedSlackClient
from tests.conftest import SIGNING_SECRET, Running
from tests.reliability.helpers import live_total
from tests.seats import seat
from tests.test_checkin_e2e import checkins


class Unsigned(SignedSlackClient):
    """Sends Slack's payloads without the signature headers."""

    def signed_headers(self, body: bytes, timestamp: str | None = None) -> dict[str, str]:
        return {}


ATTACKERS: Mapping[str, Callable[[str, Running], SignedSlackClient]] = {
    "forged": lambda url, r: SignedSlackClient(url, "not-the-secret", standin=r.slack),
    "missing": lambda url, r: Unsigned(url, SIGNING_SECRET, standin=r.slack),
    "stale": lambda url, r: SignedSlackClient(
        url, SIGNING_SECRET, standin=r.slack, clock=lambda: time.time() - 301
    ),
    "future": lambda url, r: SignedSlackClient(
        url, SIGNING_SECRET, standin=r.slack, clock=lambda: time.time() + 301
    ),
}


async def no_second_reply(running: Running, replayed: AppResponse) -> None:
    """A replayed click must not be answered again (its first answer used the same
    ``response_url``); waiting for the second answer catches the work it would do."""
    with pytest.raises(TimeoutError):
        await running.users.wait_replies(replayed, 2, timeout=0.5)


@pytest.fixture(params=sorted(ATTACKERS))
async def attacker(
    request: pytest.FixtureRequest, running: Running
) -> AsyncIterator[SignedSlackClient]:
    async with ATTACKERS[request.param](f"{running.url}/slack/events", running) as client:
        yield client


async def test_bad_signatures_are_refused_on_every_entry_point(
    running: Running, attacker: SignedSlackClient
) -> None:
    logged = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "2"))
    await running.slack.wait_for("chat.postMessage")
    await running.slack.wait_for("views.publish")  # the Home follows every check-in
    slack_calls = len(running.slack.calls)

    attempts: list[Callable[[], Awaitable[AppResponse]]] = [
        lambda: attacker.command("UALICE", "/logmeeting", "5"),
        lambda: attacker.command("UMANAGER1", "/huddle", "goal meetings 1"),
        lambda: attacker.command("UALICE", "/huddle", "undo"),
        lambda: attacker.block_action("UALICE", "undo_checkin", message=logged),
        lambda: attacker.block_action("UALICE", "nudge_log:meeting", "meeting"),
        lambda: attacker.member_joined_channel("UOUTSIDER"),
        lambda: attacker.app_home_opened("UALICE"),
    ]
    for attempt in attempts:
        response = await attempt()
        assert response.status == 401
        assert attacker.replies(response) == []

    [row] = await checkins(running)
    assert (row.count, row.undone_at) == (2, None)
    outsider = await seat(running, "UOUTSIDER")
    assert outsider is None or not outsider.in_channel
    assert len(running.slack.calls) == slack_calls  # nothing was posted, updated or published
    goals = await running.users.reply(await running.users.command("UALICE", "/huddle", "goal"))
    assert "6 meetings" in goals.all_text


async def test_replayed_checkin_command_is_not_counted_again(running: Running) -> None:
    first = await running.users.command("UALICE", "/logmeeting", "2 Acme")
    assert "Logged 2 meetings" in (await running.users.reply(first)).text
    running.clock.advance(minutes=2)  # past the 30-second repeat guard
    replayed = await running.signed.resend(first)
    assert replayed.status == 200
    assert await live_total(running, "UALICE") == 2

    fresh = await running.users.command("UALICE", "/logmeeting", "2 Acme")
    assert "Logged 2 meetings" in (await running.users.reply(fresh)).text
    assert await live_total(running, "UALICE") == 4  # a genuine second check-in still counts


async def test_replayed_undo_command_undoes_only_one_checkin(running: Running) -> None:
    await running.users.command("UALICE", "/logmeeting", "1 first")
    await running.users.command("UALICE", "/logmeeting", "1 second")
    undo = await running.users.command("UALICE", "/huddle", "undo")
    assert "Undone" in (await running.users.reply(undo)).text
    await running.signed.resend(undo)
    assert [c.note for c in await checkins(running) if c.undone_at is None] == ["first"]


async def test_replayed_log_again_logs_one_more_not_two(running: Running) -> None:
    await running.users.command("UALICE", "/logmeeting", "1 Acme")
    repeat = await running.users.reply(
        await running.users.command("UALICE", "/logmeeting", "1 Acme")
    )
    again = await running.users.block_action("UALICE", "log_again", message=repeat)
    await running.users.wait_replies(again, 1)
    running.clock.advance(minutes=2)
    await no_second_reply(running, await running.signed.resend(again))
    assert await live_total(running, "UALICE") == 2


async def test_replayed_nudge_button_logs_once(running: Running) -> None:
    click = await running.users.block_action("UALICE", "nudge_log:meeting", "meeting")
    await running.users.wait_replies(click, 1)
    running.clock.advance(minutes=2)
    replayed = await running.signed.resend(click)
    assert replayed.status == 200
    await no_second_reply(running, replayed)
    assert await live_total(running, "UALICE") == 1


async def test_replayed_undo_button_is_ignored(running: Running) -> None:
    logged = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "3"))
    click = await running.users.block_action("UALICE", "undo_checkin", message=logged)
    await running.users.wait_replies(click, 1)
    await no_second_reply(running, await running.signed.resend(click))
    assert await live_total(running, "UALICE") == 0
    assert len(await checkins(running)) == 1
