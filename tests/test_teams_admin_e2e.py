"""Several teams in one workspace, made and shaped from Slack: ``/huddle setup``,
``settings``, ``activity`` and ``rep``, and which team a command acts on. Signed slash
commands into the real app, the stand-in as Slack, on SQLite and PostgreSQL.

The fixture's ``CHUDDLE01`` is the first team (Morgan manages it through
``HUDDLE_MANAGERS``; Alice, Bob and Cara are its reps). Here Dana sets up ``CWEST`` with
Eve and Olive in it. Thursday 26 Nov 2026, 10:00 in New York.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.standin import UserReply
from storage.models import Goal, Membership, Team, TeamActivity
from tests.conftest import CHANNEL, MANAGER, Running, settle

WEST = "CWEST"
DANA = "UDANA"


async def huddle(running: Running, user_id: str, text: str, channel: str) -> UserReply:
    response = await running.users.command(user_id, "/huddle", text, channel_id=channel)
    assert response.status == 200 and response.within_deadline
    reply = await running.users.reply(response)
    assert reply.response_type == "ephemeral"
    return reply


async def teams(running: Running) -> list[tuple[str | None, dict[str, str]]]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(Team).order_by(Team.id))
        return [(t.channel_id, dict(t.settings)) for t in rows]


async def everything(running: Running) -> list[Any]:
    """The team-shaping rows, to show a refusal changed none of them."""
    async with running.huddle.runtime.sessions() as session:
        found: list[Any] = [
            (t.id, t.channel_id, t.settings, t.changed)
            for t in await session.scalars(select(Team).order_by(Team.id))
        ]
        found += [
            (a.team_ref, a.key, a.singular, a.plural, a.active)
            for a in await session.scalars(
                select(TeamActivity).order_by(TeamActivity.team_ref, TeamActivity.key)
            )
        ]
        found += [
            (m.team_ref, m.user_id, m.is_manager, m.on_roster)
            for m in await session.scalars(
                select(Membership).order_by(Membership.team_ref, Membership.user_id)
            )
        ]
        found += [
            (g.team_ref, g.activity, g.user_id, g.target)
            for g in await session.scalars(select(Goal).order_by(Goal.team_ref, Goal.activity))
        ]
        return found


async def west(running: Running) -> None:
    """Dana sets up ``CWEST`` (Eve and Olive in it), after being told to invite Huddle."""
    slack = running.slack
    slack.add_user(DANA, "Dana", tz="America/Los_Angeles")
    slack.add_user("UEVE", "Eve", tz="America/Los_Angeles")
    slack.add_channel(WEST, members=[DANA, "UEVE", "UOUTSIDER"], include_bot=False)
    refused = await huddle(running, DANA, "setup", WEST)
    assert f"I'm not in <#{WEST}>" in refused.text and "/invite @Huddle" in refused.text
    assert [c for c, _ in await teams(running)] == [CHANNEL]
    slack.add_member(WEST, slack.bot_user_id)
    made = await huddle(running, DANA, "setup", WEST)
    assert f"<#{WEST}> is now a team, and you are its manager" in made.text
    assert "/huddle goal meetings 6" in made.all_text
    await settle()  # the roster is read once Slack has the reply


@pytest.fixture
async def two_teams(running: Running) -> Running:
    await west(running)
    return running


async def test_setup_makes_a_second_team_with_the_defaults(two_teams: Running) -> None:
    running = two_teams
    [(first, _), (channel, settings)] = await teams(running)
    assert (first, channel) == (CHANNEL, WEST)
    assert settings["timezone"] == "America/New_York" and settings["nudge"] == "thu 15:00"
    board = await huddle(running, DANA, "board", WEST)
    assert "Eve" in board.all_text and "Olive" in board.all_text
    assert "Alice" not in board.all_text and "Dana" not in board.all_text
    goals = await huddle(running, "UEVE", "goal", WEST)
    assert "6 meetings · 20 calls" in goals.all_text
    again = await huddle(running, "UEVE", "setup", WEST)
    assert f"<#{WEST}> is already a team; nothing was changed" in again.all_text
    assert "*Settings of <#CWEST>*" in again.all_text


async def test_setup_in_a_private_channel_without_huddle_says_how(running: Running) -> None:
    running.slack.add_channel("GSECRET", members=[MANAGER], include_bot=False, is_private=True)
    reply = await huddle(running, MANAGER, "setup", "GSECRET")
    assert "I'm not in <#GSECRET>" in reply.text and "/invite @Huddle" in reply.text
    assert [c for c, _ in await teams(running)] == [CHANNEL]


async def test_the_team_is_the_channels_else_the_named_else_the_callers(
    two_teams: Running,
) -> None:
    running = two_teams
    dm = "D" + DANA
    mine = await huddle(running, DANA, "activity", dm)  # Dana has one team: CWEST's
    assert "This team counts" in mine.text
    named = await huddle(running, "UEVE", f"board <#{CHANNEL}|huddle>", dm)
    assert "Alice" in named.all_text and "Eve" not in named.all_text
    # Made a manager of the first team too, Dana is asked which team she means.
    await huddle(running, MANAGER, f"manager add <@{DANA}|dana>", CHANNEL)
    asked = await huddle(running, DANA, "board", dm)
    assert "You're on several teams" in asked.text
    assert f"<#{CHANNEL}>" in asked.text and f"<#{WEST}>" in asked.text
    stranger = "UNOBODY"
    running.slack.add_user(stranger, "Nobody")
    none = await huddle(running, stranger, "board", "D" + stranger)
    assert "You're not on a team yet" in none.text and "/huddle setup" in none.text
    not_team = await huddle(running, DANA, "board <#CELSEWHERE|elsewhere>", dm)
    assert "<#CELSEWHERE> isn't a Huddle team" in not_team.text


@pytest.mark.parametrize(
    ("who", "text", "where", "said"),
    [
        ("UEVE", "settings nudge thu 14:00", WEST, "Only managers can change settings"),
        (MANAGER, "settings nudge thu 14:00", WEST, "Only managers can change settings"),
        (MANAGER, f"activity add demo <#{WEST}>", CHANNEL, "Only managers can change"),
        (MANAGER, "goal meetings 9", WEST, "Only managers can change goals"),
        (DANA, f"rep remove <@UALICE> <#{CHANNEL}>", WEST, "Only managers can change who"),
        (DANA, f"manager add <@UEVE> <#{CHANNEL}>", WEST, "Only managers can add or remove"),
        (DANA, "settings nudge sat 10:00", WEST, "must come before"),
        (DANA, "settings timezone EST", WEST, "EST"),
        (DANA, "settings maxcount 0", WEST, "maxcount"),
        (DANA, "activity add Demo-1", WEST, "lower-case letters and digits"),
        (DANA, "activity add meeting", WEST, "already counts `meeting`"),
        (DANA, "activity remove dances", WEST, "doesn't count an activity `dances`"),
    ],
)
async def test_refusals_change_nothing(
    two_teams: Running, who: str, text: str, where: str, said: str
) -> None:
    running = two_teams
    before = await everything(running)
    reply = await huddle(running, who, text, where)
    assert said in reply.all_text
    assert "Nothing was changed" in reply.all_text or "nothing was changed" in reply.all_text
    assert await everything(running) == before


async def test_a_manager_changes_their_teams_settings_only(two_teams: Running) -> None:
    running = two_teams
    reply = await huddle(running, DANA, "settings timezone America/Los_Angeles", WEST)
    assert "Timezone is now *America/Los_Angeles*" in reply.all_text
    assert "*Next nudge:* Thu 26 Nov 15:00 (America/Los_Angeles)" in reply.all_text
    assert "*Next summary:* Fri 27 Nov 09:00 (America/Los_Angeles)" in reply.all_text
    nudge = await huddle(running, DANA, "settings nudge wed 14:00", WEST)
    assert "*Next nudge:* Wed 2 Dec 14:00 (America/Los_Angeles)" in nudge.all_text
    shown = await huddle(running, "UEVE", "settings", WEST)
    assert "`wed 14:00`" in shown.all_text and f"set in Slack by <@{DANA}>" in shown.all_text
    first = await huddle(running, MANAGER, "settings", CHANNEL)
    assert "`thu 15:00`" in first.all_text and "America/New_York" in first.all_text


async def test_custom_activity_add_remove_and_bring_back(two_teams: Running) -> None:
    running = two_teams
    added = await huddle(running, DANA, 'activity add demo "demo booked" "demos booked"', WEST)
    assert "This team counts *demos booked*" in added.all_text
    logged = await running.users.reply(
        await running.users.command("UEVE", "/log", "demo 2", channel_id=WEST)
    )
    assert "2 demos booked" in logged.all_text
    goal = await huddle(running, DANA, "goal demo 3", WEST)
    assert "3 demos booked" in goal.all_text
    on_first = await huddle(running, MANAGER, "activity", CHANNEL)
    assert "demo" not in on_first.text
    removed = await huddle(running, DANA, "activity remove demo", WEST)
    assert "no longer counts *demos booked*" in removed.all_text
    listed = await huddle(running, DANA, "activity", WEST)
    assert "*Retired*" in listed.all_text and "`demo` — demos booked" in listed.all_text
    back = await huddle(running, DANA, "activity add demo", WEST)
    assert "counts *demos booked* again, with its history" in back.all_text


async def test_an_eleventh_activity_is_refused(two_teams: Running) -> None:
    running = two_teams
    for n in range(6):
        reply = await huddle(running, DANA, f"activity add extra{n}", WEST)
        assert "This team counts" in reply.all_text
    before = await everything(running)
    refused = await huddle(running, DANA, "activity add onemore", WEST)
    assert "already counts 10 activities" in refused.all_text
    assert await everything(running) == before


async def test_rep_remove_and_add(two_teams: Running) -> None:
    running = two_teams
    off = await huddle(running, DANA, "rep remove <@UOUTSIDER|olive>", WEST)
    assert "<@UOUTSIDER> is off the roster" in off.text
    board = await huddle(running, DANA, "board", WEST)
    assert "Olive" not in board.all_text and "Eve" in board.all_text
    on = await huddle(running, DANA, f"rep add <@{DANA}|dana>", WEST)  # a player-coach
    assert f"<@{DANA}> is on the roster" in on.text
    board = await huddle(running, DANA, "board", WEST)
    assert "Dana" in board.all_text
    first = await huddle(running, MANAGER, "board", CHANNEL)
    assert "Dana" not in first.all_text
