"""Check-ins arriving together, as in a busy minute: committed together (group commit)
yet each one exact, and announced in shared messages without losing anyone's line."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select

from bot.live.announcer import POST_INTERVAL_SECONDS
from bot.standin.signed import UserReply
from storage.models import Announcement
from tests.conftest import CHANNEL, Running
from tests.test_checkin_e2e import checkins


async def burst(running: Running, *commands: tuple[str, str, str]) -> list[UserReply]:
    users = running.users
    responses = await asyncio.gather(*(users.command(*command) for command in commands))
    assert all(r.status == 200 and r.within_deadline for r in responses)
    return [await users.reply(r) for r in responses]


async def announcements_saved(running: Running, count: int) -> None:
    """Lines appear in Slack a moment before their place is saved; undo needs the latter."""
    for _ in range(100):
        async with running.huddle.runtime.sessions() as session:
            saved = await session.scalar(select(func.count()).select_from(Announcement))
        if saved is not None and saved >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("announcements were not saved")


def shown_done(reply: UserReply) -> int:
    match = re.search(r"(\d+) of \d+ meetings", reply.all_text)
    assert match, reply.all_text
    return int(match[1])


async def test_identical_checkins_sent_together_count_once(running: Running) -> None:
    replies = await burst(running, *[("UALICE", "/logmeeting", "2 Acme")] * 5)
    logged = [r for r in replies if r.text.startswith("Logged")]
    repeats = [r for r in replies if "not counted twice" in r.text]
    assert len(logged) == 1 and len(repeats) == 4
    assert {shown_done(r) for r in replies} == {2}
    [row] = await checkins(running)
    assert row.count == 2


async def test_each_reply_in_a_burst_counts_up_as_if_logged_one_by_one(running: Running) -> None:
    replies = await burst(
        running,
        ("UALICE", "/logmeeting", "1 first"),
        ("UALICE", "/logmeeting", "2 second"),
        ("UALICE", "/logmeeting", "3 third"),
        ("UBOB", "/logmeeting", "4"),
    )
    alice = sorted(shown_done(r) for r in replies[:3])
    assert alice[-1] == 6 and len(set(alice)) == 3  # running totals, never all the same
    assert shown_done(replies[3]) == 4
    rows = await checkins(running)
    assert sorted((r.user_id, r.count) for r in rows) == [
        ("UALICE", 1),
        ("UALICE", 2),
        ("UALICE", 3),
        ("UBOB", 4),
    ]


async def test_burst_lines_share_messages_and_undo_strikes_only_its_line(
    running: Running,
) -> None:
    running.huddle.live.announcer.pacer.interval = POST_INTERVAL_SECONDS  # Slack's pace
    slack = running.slack
    commands = [
        (user, "/logcall", f"{n} {user.lower()} {n}")
        for n in (1, 2)
        for user in ("UALICE", "UBOB", "UCARA")
    ]
    replies = await burst(running, *commands)
    await slack.wait_until(
        lambda: sum(len(m.text.splitlines()) for m in slack.messages_in(CHANNEL)) >= 6
    )
    posts = slack.messages_in(CHANNEL)
    lines = [line for post in posts for line in post.text.splitlines()]
    assert len(lines) == 6 and len(posts) < 6
    for name in ("Alice", "Bob", "Cara"):
        assert sum(f"*{name}* logged" in line for line in lines) == 2

    shared = next(post for post in posts if "\n" in post.text)
    before = shared.text.splitlines()
    await announcements_saved(running, 6)
    victim = next(
        (reply, user)
        for reply, (user, _, text) in zip(replies, commands, strict=True)
        if f"“{text.split(' ', 1)[1]}”" in shared.text
    )
    reply, user = victim
    pressed = await running.users.block_action(user, "undo_checkin", message=reply)
    await running.users.wait_replies(pressed, 1)
    await slack.wait_for("chat.update", lambda call: call.args["ts"] == shared.ts)
    after = shared.text.splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    [(old, new)] = changed  # only the undone line, the others exactly as they were
    assert new.startswith("~") and new.endswith("(undone)") and "*" + old.split("*")[1] in new
    assert len(after) == len(shared.blocks or [])
    assert slack.rejections == []
