"""Two teams in one workspace that share a rep (Bob) and a manager (Morgan), through a
whole week: every message each person and channel receives is checked, so nothing of
one team leaks into the other. Signed requests into the real app, the stand-in as
Slack, on SQLite and PostgreSQL.

``CHUDDLE01`` (the first team) has Alice, Bob and Cara, goals meeting=6, call=20.
``CWEST`` is set up by Morgan on Monday with Bob and Dana, and counts meetings (6) and
demos (3), a custom activity.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.scheduled.jobs import run_due
from bot.scheduled.planner import Force
from bot.standin import UserReply
from bot.team.roster import sync_roster
from storage.ledger import NUDGE
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, Running, settle

NY = ZoneInfo(TEAM_TZ)
WEST = "CWEST"
DANA = "UDANA"
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=NY)
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=NY)
FRIDAY_9AM = datetime(2026, 11, 27, 9, 0, tzinfo=NY)


async def say(running: Running, user: str, command: str, text: str, channel: str) -> UserReply:
    response = await running.users.command(user, command, text, channel_id=channel)
    assert response.status == 200 and response.within_deadline
    return await running.users.reply(response)


async def two_teams(running: Running) -> None:
    running.slack.add_user(DANA, "Dana", tz=TEAM_TZ)
    running.slack.add_channel(WEST, members=[MANAGER, "UBOB", DANA, "UHUDDLEBOT"])
    running.clock.set(MONDAY)
    setup = await say(running, MANAGER, "/huddle", "setup", WEST)
    assert "team" in setup.all_text.lower()
    await settle()  # the new team's roster is read once Slack has the reply
    await say(running, MANAGER, "/huddle", 'activity add demo "demo" "demos"', WEST)
    await say(running, MANAGER, "/huddle", "goal demos 3", WEST)
    await say(running, MANAGER, "/huddle", "goal calls off", WEST)


def texts(messages: list) -> str:  # type: ignore[type-arg]
    return "\n".join(m.all_text for m in messages)


async def test_two_teams_share_a_rep_and_a_manager_and_never_leak(running: Running) -> None:
    await two_teams(running)
    slack = running.slack
    running.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=NY))
    bob = await say(running, "UBOB", "/logmeeting", "2", CHANNEL)
    assert "Logged" in bob.all_text
    await say(running, "UALICE", "/logmeeting", "6", CHANNEL)
    await say(running, DANA, "/log", "demo 1 Q&A prep", WEST)
    refused = await say(running, "UALICE", "/log", "demo 1", CHANNEL)
    assert "demo" in refused.all_text.lower() and "Logged" not in refused.all_text
    await settle()

    first, west = texts(slack.messages_in(CHANNEL)), texts(slack.messages_in(WEST))
    assert "Bob" in first and "Bob" in west  # Bob's meetings count on both teams
    assert "Alice" in first and "Alice" not in west
    assert "Dana" in west and "Dana" not in first and "Q&amp;A" in west

    running.clock.set(THURSDAY_3PM)
    await running.ticker().tick()
    [bob_nudge] = slack.dms_to("UBOB")
    assert f"<#{CHANNEL}>" in bob_nudge.all_text and f"<#{WEST}>" in bob_nudge.all_text
    # One message: the same 2 of 6 meetings on each team, calls on the first, demos west.
    assert bob_nudge.all_text.count("4 meetings to go") >= 2
    assert "20 calls to go" in bob_nudge.all_text and "3 demos to go" in bob_nudge.all_text
    [dana_nudge] = slack.dms_to(DANA)
    assert "6 meetings to go" in dana_nudge.all_text and "2 demos to go" in dana_nudge.all_text
    assert "call" not in dana_nudge.all_text.lower()
    [cara_nudge] = slack.dms_to("UCARA")
    assert "demo" not in cara_nudge.all_text.lower() and f"<#{WEST}>" not in cara_nudge.all_text
    [alice_nudge] = slack.dms_to("UALICE")
    assert "20 calls to go" in alice_nudge.all_text and "meeting" not in alice_nudge.all_text
    assert slack.dms_to(MANAGER) == []  # managers are not reps

    running.clock.set(FRIDAY_9AM)
    await running.ticker().tick()
    first_summary = texts(slack.top_level_messages(CHANNEL))
    west_summary = texts(slack.top_level_messages(WEST))
    assert "Dana" not in first_summary and "demo" not in first_summary.lower()
    assert "Alice" not in west_summary and "Cara" not in west_summary
    assert "Dana" in west_summary and "Bob" in west_summary
    digests = [m for m in slack.dms_to(MANAGER) if "Manager digest" in m.all_text]
    assert len(digests) == 2
    by_team = {c: d for d in digests for c in (CHANNEL, WEST) if f"<#{c}>" in d.all_text}
    assert set(by_team) == {CHANNEL, WEST}
    assert "Dana" in by_team[WEST].all_text and "Dana" not in by_team[CHANNEL].all_text
    assert "Cara" in by_team[CHANNEL].all_text and "Cara" not in by_team[WEST].all_text
    assert slack.rejections == []


async def test_progress_asks_a_rep_on_two_teams_which_one(running: Running) -> None:
    await two_teams(running)
    await say(running, "UBOB", "/log", "demo 2", WEST)
    asked = await say(running, "UBOB", "/progress", "", "DBOB")
    assert f"<#{CHANNEL}>" in asked.all_text and f"<#{WEST}>" in asked.all_text
    west = await say(running, "UBOB", "/progress", f"<#{WEST}|west>", "DBOB")
    assert "2 of 3 demos" in west.all_text and "0 calls (no goal)" in west.all_text
    here = await say(running, "UALICE", "/progress", "<@UBOB|bob>", CHANNEL)
    assert "demo" not in here.all_text.lower() and "0 of 20 calls" in here.all_text


async def test_a_settings_change_is_picked_up_by_the_next_tick(running: Running) -> None:
    await two_teams(running)
    changed = await say(running, MANAGER, "/huddle", "settings nudge wed 10:00", WEST)
    assert "Wed 25 Nov 10:00" in changed.all_text  # the reply names the next nudge
    running.clock.set(datetime(2026, 11, 25, 10, 5, tzinfo=NY))
    await running.ticker().tick()
    [dana] = running.slack.dms_to(DANA)
    assert "6 meetings to go" in dana.all_text
    assert running.slack.dms_to("UALICE") == []  # the first team still nudges on Thursday
    [bob] = running.slack.dms_to("UBOB")  # Bob's one nudge lists both his teams
    assert f"<#{CHANNEL}>" in bob.all_text and f"<#{WEST}>" in bob.all_text


async def test_a_channel_huddle_was_removed_from_leaves_the_other_rosters_current(
    running: Running,
) -> None:
    running.slack.add_user(DANA, "Dana", tz=TEAM_TZ)
    running.slack.add_channel("GPRIVATE", members=[MANAGER, DANA], is_private=True)
    running.clock.set(MONDAY)
    await say(running, MANAGER, "/huddle", "setup", "GPRIVATE")
    await settle()
    running.slack.remove_member("GPRIVATE", running.slack.bot_user_id)  # Huddle removed
    running.slack.add_member(CHANNEL, "UOUTSIDER")  # a join Huddle missed the event of
    huddle = running.huddle
    await sync_roster(huddle.runtime, huddle.app.client, huddle.team_id)
    board = await say(running, MANAGER, "/huddle", "board", CHANNEL)
    assert "Olive" in board.all_text  # the first team's roster was read all the same
    private = await say(running, MANAGER, "/huddle", "board", "GPRIVATE")
    assert "Dana" in private.all_text  # and the unreadable one kept what it had


async def test_a_manager_marks_away_only_their_own_teams_people(running: Running) -> None:
    await two_teams(running)
    running.slack.add_user("UWENDY", "Wendy", tz=TEAM_TZ)
    running.slack.add_member(WEST, "UWENDY")
    await say(running, MANAGER, "/huddle", "manager add <@UWENDY|wendy>", WEST)
    refused = await say(running, "UWENDY", "/huddle", "away <@UCARA|cara> 2026-11-25", WEST)
    assert "isn't in" in refused.all_text and "Nothing was changed" in refused.all_text
    allowed = await say(running, "UWENDY", "/huddle", "away <@UDANA|dana> 2026-11-25", WEST)
    assert "Nothing was changed" not in allowed.all_text


async def test_huddle_nudge_for_one_team_lists_the_reps_other_teams_too(
    running: Running,
) -> None:
    await two_teams(running)
    running.clock.set(THURSDAY_3PM)
    huddle = running.huddle
    due, _ = await run_due(
        huddle.runtime,
        huddle.app.client,
        huddle.team_id,
        force=Force(frozenset({NUDGE}), MONDAY.date()),
        only=(await huddle.runtime.teams(huddle.team_id)).by_channel(WEST),
    )
    assert {send.to for send in due.sends} == {"UBOB", DANA}  # only that team's reps
    [bob] = running.slack.dms_to("UBOB")
    assert f"<#{CHANNEL}>" in bob.all_text and f"<#{WEST}>" in bob.all_text


async def test_each_channel_names_a_shared_activity_in_its_own_words(running: Running) -> None:
    await two_teams(running)  # the west team counts "demos"
    await say(running, MANAGER, "/huddle", 'activity add demo "product demo"', CHANNEL)
    await say(running, "UBOB", "/log", "demo 1", CHANNEL)
    await settle()
    [first] = [m for m in running.slack.messages_in(CHANNEL) if "Bob" in m.all_text]
    [west] = [m for m in running.slack.messages_in(WEST) if "Bob" in m.all_text]
    assert "1 product demo" in first.all_text and "1 demo " in west.all_text
