"""Nobody acts where they don't belong.

A rep is refused every manager-only action and changes nothing in any table; nobody
undoes or logs for someone else, whichever button or command they use; and two
workspaces sharing one database (two Huddle deployments) never see or change each
other's rows, nor can a request from one workspace make the other's Huddle act.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.settings import load_settings
from bot.serving.server import Huddle, prepare, serving_http
from bot.standin import SignedSlackClient, SlackWebAPIStandIn
from storage.models import Base
from tests.conftest import (
    BOTH_TRANSPORTS,
    CHANNEL,
    MANAGER,
    SIGNING_SECRET,
    TEAM_TZ,
    Running,
    environment,
    pace_quickly,
    settle,
)
from tests.reliability.helpers import live_total
from tests.test_admin_e2e import huddle
from tests.test_checkin_e2e import checkins


async def snapshot(running: Running) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refusal changed nothing at all."""
    async with running.huddle.runtime.sessions() as session:
        return {
            table.name: sorted(map(tuple, await session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


MANAGER_ONLY = [
    ("goal meetings 1", "change goals"),
    ("goal <@UBOB|bob> calls 3", "change goals"),
    ("goal meetings off", "change goals"),
    ("manager add <@UALICE|alice>", "add or remove managers"),
    ("manager remove <@UMANAGER1|morgan>", "add or remove managers"),
    ("away <@UBOB|bob> 2026-11-30 2026-12-01", "mark someone else away"),
    ("back <@UBOB|bob>", "mark someone else back"),
]


@pytest.mark.parametrize(("text", "what"), MANAGER_ONLY)
async def test_rep_is_refused_every_manager_action(running: Running, text: str, what: str) -> None:
    await huddle(running, MANAGER, "away <@UBOB|bob> 2026-11-27 2026-11-30")
    before = await snapshot(running)
    reply = await huddle(running, "UALICE", text)
    assert f"Only managers can {what}" in reply.text
    assert "Nothing was changed" in reply.text
    assert await snapshot(running) == before


async def test_nobody_undoes_or_logs_for_someone_else(running: Running) -> None:
    bobs = await running.users.reply(await running.users.command("UBOB", "/logmeeting", "2 Acme"))
    repeat = await running.users.reply(await running.users.command("UBOB", "/logmeeting", "2 Acme"))
    await settle()  # Bob's line is posted and where it went stored: not the pressers' doing
    before = await snapshot(running)
    for presser in ("UALICE", MANAGER):  # a manager may not undo for a rep either
        undo = await running.users.block_action(presser, "undo_checkin", message=bobs)
        [refused] = await running.users.wait_replies(undo, 1)
        assert "only undo your own" in refused.text
        again = await running.users.block_action(presser, "log_again", message=repeat)
        [refused] = await running.users.wait_replies(again, 1)
        assert "only log for yourself" in refused.text
        forged = json.dumps({"u": "UBOB", "a": "meeting", "c": 5, "d": "2026-11-26", "n": ""})
        again = await running.users.block_action(presser, "log_again", forged)
        [refused] = await running.users.wait_replies(again, 1)
        assert "only log for yourself" in refused.text
        undone = await huddle(running, presser, "undo")
        assert "no check-in this week" in undone.text
    assert await snapshot(running) == before

    click = await running.users.block_action("UALICE", "nudge_log:meeting", "meeting")
    await running.users.wait_replies(click, 1)
    assert await live_total(running, "UALICE") == 1  # a nudge button logs for whoever pressed it
    assert await live_total(running, "UBOB") == 2


# Two workspaces, one database -------------------------------------------------------

OTHER_TEAM = "T0OTHER"
OTHER_CHANNEL = "COTHER01"
OTHER_MANAGER = "UOTHERMGR"


@dataclass
class Other:
    """A second workspace's Huddle on the same database, and its people."""

    huddle: Huddle
    slack: SlackWebAPIStandIn
    users: SignedSlackClient


@pytest.fixture
async def other(running: Running, database_url: str) -> AsyncIterator[Other]:
    async with SlackWebAPIStandIn(team_id=OTHER_TEAM) as slack:
        # Same user ID as in the first workspace, to catch anything keyed by user alone.
        slack.add_user("UALICE", "Alice Other", tz=TEAM_TZ)
        slack.add_user(OTHER_MANAGER, "Otto", tz=TEAM_TZ)
        slack.add_channel(OTHER_CHANNEL, members=["UALICE", OTHER_MANAGER])
        env = environment(
            database_url, slack, HUDDLE_CHANNEL=OTHER_CHANNEL, HUDDLE_MANAGERS=OTHER_MANAGER
        )
        deployed = await prepare(load_settings(env), running.clock)
        pace_quickly(deployed.live)
        try:
            async with (
                serving_http(deployed, "127.0.0.1", 0) as url,
                SignedSlackClient(
                    f"{url}/slack/events", SIGNING_SECRET, team_id=OTHER_TEAM, standin=slack
                ) as users,
            ):
                yield Other(deployed, slack, users)
        finally:
            await deployed.close()


async def test_workspaces_sharing_a_database_stay_apart(running: Running, other: Other) -> None:
    mine = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "3"))
    theirs = await other.users.reply(await other.users.command("UALICE", "/logmeeting", "1"))
    assert "1 of 6 meetings" in theirs.all_text  # not 4: the first workspace's 3 don't count

    assert (
        "1 of 6"
        in (await other.users.reply(await other.users.command("UALICE", "/progress"))).all_text
    )
    assert (
        "3 of 6"
        in (await running.users.reply(await running.users.command("UALICE", "/progress"))).all_text
    )

    undo = await other.users.block_action("UALICE", "undo_checkin", message=mine)
    assert "only undo your own" in (await other.users.wait_replies(undo, 1))[0].text
    await other.users.command(OTHER_MANAGER, "/huddle", "goal meetings 2")
    await other.users.command(OTHER_MANAGER, "/huddle", "manager add <@UALICE|alice>")
    await other.users.command("UALICE", "/huddle", "undo")

    listed = await huddle(running, "UALICE", "goal")
    assert "*Team:* 6 meetings" in listed.all_text
    refused = await huddle(running, "UALICE", "goal meetings 1")
    assert "Only managers" in refused.text  # a manager over there is a rep here
    assert [(c.team_id, c.count, c.undone_at is None) for c in await checkins(running)] == [
        (running.slack.team_id, 3, True),
        (OTHER_TEAM, 1, False),
    ]
    assert len(running.slack.messages_in(CHANNEL)) == 1  # only this workspace's announcement


@BOTH_TRANSPORTS
async def test_request_from_another_workspace_is_turned_away(running: Running) -> None:
    async with running.users_from(OTHER_TEAM) as stranger:
        logged = await stranger.command("UALICE", "/logmeeting", "5 leak")
        assert "belongs to another Slack workspace" in (await stranger.reply(logged)).text
        for response in (
            await stranger.command("UALICE", "/progress"),
            await stranger.command(MANAGER, "/huddle", "goal meetings 1"),
            await stranger.block_action("UALICE", "nudge_log:meeting", "meeting"),
            await stranger.member_joined_channel("UOUTSIDER"),
            await stranger.app_home_opened("UALICE"),
        ):
            assert response.status == 200
            assert "week" not in response.text  # no progress of anyone's was shown
    before = await snapshot(running)
    assert all(OTHER_TEAM not in row for rows in before.values() for row in rows)
    assert await checkins(running) == []
    assert running.slack.messages_in(CHANNEL) == []
    assert running.slack.calls_to("views.publish") == []
