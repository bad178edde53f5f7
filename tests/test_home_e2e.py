"""The App Home and the logging modal end to end: signed events, clicks and modal
submissions over HTTP into the real app, Slack played by the stand-in, on SQLite and
PostgreSQL.

The fixture clock is Thursday 26 Nov 2026, 10:00 in New York (the week began Monday
23 Nov); team goals are 6 meetings and 20 calls; Morgan is the manager.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.standin import AppResponse, visible_text
from bot.team.roster import sync_roster
from storage.models import CheckIn, Membership
from tests.conftest import BOTH_TRANSPORTS, CHANNEL, MANAGER, TEAM_TZ, Running, settle
from tests.faults import database_stalled
from tests.forms import modal_values

NY = ZoneInfo(TEAM_TZ)


async def open_home(running: Running, user_id: str) -> dict[str, Any]:
    response = await running.users.app_home_opened(user_id)
    assert response.status == 200
    await settle()
    view: dict[str, Any] = running.slack.home_views[user_id]
    return view


def shown(view: dict[str, Any]) -> str:
    return visible_text("", view["blocks"])


def element_ids(view: dict[str, Any]) -> set[str]:
    found = set()
    for block in view["blocks"]:
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and "action_id" in element:
                found.add(element["action_id"])
    return found


async def command(running: Running, user_id: str, name: str, text: str = "") -> str:
    reply = await running.users.reply(await running.users.command(user_id, name, text))
    await settle()
    return reply.all_text


async def checkins(running: Running) -> list[CheckIn]:
    async with running.huddle.runtime.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.id)))


# the Home -------------------------------------------------------------------------------


@BOTH_TRANSPORTS
async def test_new_rep_sees_their_week_and_buttons_but_no_history(running: Running) -> None:
    view = await open_home(running, "UCARA")
    text = shown(view)
    assert "Your week · Mon 23 Nov – Sun 29 Nov" in text
    assert "0 of 6 meetings · 6 to go" in text and "0 of 20 calls · 20 to go" in text
    assert "0 follow-ups (no goal)" in text
    assert "Your goals this week:* 6 meetings · 20 calls · no goal for follow-ups" in text
    assert "Your first week" in text and "❌ ·" not in text and "Streak" not in text
    assert element_ids(view) == {
        "home_log:meeting",
        "home_log:call",
        "home_log:followup",
        "home_log:referral",
    }
    assert "Team (managers)" not in text
    assert running.slack.rejections == []


async def test_rep_mid_week_sees_what_is_left_history_and_streak(running: Running) -> None:
    async with running.huddle.runtime.sessions.begin() as session:  # Alice joined on 2 Nov
        await session.execute(
            update(Membership)
            .where(Membership.user_id == "UALICE")
            .values(joined_at=datetime(2026, 11, 2, 9, tzinfo=NY))
        )
    for day, meetings, calls in [(2, 6, 3), (9, 6, 20), (16, 6, 20)]:
        running.clock.set(datetime(2026, 11, day, 10, tzinfo=NY))
        await command(running, "UALICE", "/logmeeting", str(meetings))
        await command(running, "UALICE", "/logcall", str(calls))
    running.clock.set(datetime(2026, 11, 26, 10, tzinfo=NY))
    await command(running, "UALICE", "/logmeeting", "2 mon")
    await command(running, "UALICE", "/logmeeting", "1")

    text = shown(await open_home(running, "UALICE"))
    assert "3 of 6 meetings · 3 to go" in text and "`▰▰▰▰▰▱▱▱▱▱`" in text
    assert "0 of 20 calls · 20 to go" in text
    assert "*Your weeks so far* (week starting)\n2 Nov ❌ · 9 Nov ✅ · 16 Nov ✅" in text
    assert "26 Oct" not in text  # before she joined: not judged
    assert "Streak: 2 weeks* with every goal hit" in text
    assert running.slack.rejections == []


@BOTH_TRANSPORTS
async def test_home_follows_every_checkin_and_undo(running: Running) -> None:
    await open_home(running, "UBOB")
    await command(running, "UBOB", "/logcall", "4")
    assert "4 of 20 calls · 16 to go" in shown(running.slack.home_views["UBOB"])
    await command(running, "UBOB", "/huddle", "undo")
    assert "0 of 20 calls · 20 to go" in shown(running.slack.home_views["UBOB"])


async def test_away_rep_sees_prorated_goals(running: Running) -> None:
    await command(running, "UCARA", "/huddle", "away 2026-11-23 2026-11-24")
    text = shown(await open_home(running, "UCARA"))
    assert "0 of 4 meetings" in text
    assert "away 2 workdays this week" in text and "prorated to the 3 you're here" in text


async def test_manager_also_sees_the_team_board_and_shortcuts(running: Running) -> None:
    await command(running, "UALICE", "/logmeeting", "3")
    view = await open_home(running, MANAGER)
    text = shown(view)
    assert "Your week" in text  # managers may log too
    assert "Team (managers)" in text and "Daily huddle · Thu 26 Nov" in text
    assert "*Alice* — 3/6 meetings" in text and "*Bob* — 0/6 meetings" in text
    assert "Morgan" not in text.split("Team (managers)")[1]  # managers aren't reps
    assert "Today's check-ins appear in this thread" not in text
    assert "home_export" in element_ids(view)
    assert "`/huddle export [WEEKS]`" in text and "`/huddle settings`" in text
    assert "home_export" not in element_ids(await open_home(running, "UALICE"))
    assert running.slack.rejections == []


@pytest.mark.slow
async def test_a_team_of_200_stays_within_the_block_limit(running: Running) -> None:
    slack, huddle = running.slack, running.huddle
    for i in range(200):
        user_id = f"UREP{i:03d}"
        slack.add_user(user_id, f"Rep {i:03d} with a rather long display name indeed", tz=TEAM_TZ)
        slack.add_member(CHANNEL, user_id)
    await sync_roster(huddle.runtime, huddle.app.client, huddle.team_id)
    await command(running, "UREP007", "/logmeeting", "2")

    view = await open_home(running, MANAGER)
    assert len(view["blocks"]) <= 100
    text = shown(view)
    assert "*Rep 007 with a rather long display name indeed* — 2/6 meetings" in text
    assert "more reps: too many for one message" in text
    rep_view = await open_home(running, "UREP007")
    assert len(rep_view["blocks"]) <= 100 and "2 of 6 meetings" in shown(rep_view)
    assert running.slack.rejections == []


# the logging modal ----------------------------------------------------------------------


async def open_modal(running: Running, user_id: str, activity: str) -> dict[str, Any]:
    home = await open_home(running, user_id)
    response = await running.users.block_action(user_id, f"home_log:{activity}", view=home)
    assert response.status == 200
    opened = await running.slack.wait_for("views.open")
    view: dict[str, Any] = opened[-1].response["view"]
    return view


async def submit(
    running: Running, user_id: str, view: dict[str, Any], **fields: Any
) -> AppResponse:
    response = await running.users.view_submission(
        user_id, "log_modal", modal_values(**fields), view=view
    )
    assert response.status == 200
    assert response.within_deadline
    await settle()
    return response


@BOTH_TRANSPORTS
async def test_modal_logs_like_a_slash_command(running: Running) -> None:
    view = await open_modal(running, "UALICE", "call")
    activity, _count, day, _note = view["blocks"]
    assert activity["element"]["initial_option"]["value"] == "call"
    assert day["element"]["initial_date"] == "2026-11-26"

    response = await submit(
        running, "UALICE", view, activity="call", count="3", day="2026-11-25", note="Acme <!here>"
    )
    assert response.json is None  # an empty 200 closes the modal

    [row] = await checkins(running)
    stored = (row.user_id, row.activity, row.count, row.day, row.note, row.source)
    assert stored == ("UALICE", "call", 3, date(2026, 11, 25), "Acme <!here>", "modal")
    [dm] = running.slack.dms_to("UALICE")
    assert "Logged 3 calls for yesterday" in dm.text
    assert "3 of 20 calls · 17 to go" in dm.all_text
    [line] = running.slack.messages_in(CHANNEL)
    assert "*Alice* logged 3 calls for yesterday" in line.text and "3/20 this week" in line.text
    assert "<!here>" not in line.all_text
    assert "3 of 20 calls · 17 to go" in shown(running.slack.home_views["UALICE"])

    undo = await running.users.block_action("UALICE", "undo_checkin", message=dm)
    [undone] = await running.users.wait_replies(undo, 1)
    assert "Undone: 3 calls for yesterday" in undone.text
    await settle()
    assert "0 of 20 calls" in shown(running.slack.home_views["UALICE"])
    assert running.slack.rejections == []


@BOTH_TRANSPORTS
async def test_submitting_twice_is_not_counted_twice(running: Running) -> None:
    view = await open_modal(running, "UBOB", "meeting")
    await submit(running, "UBOB", view, count="1", note="")
    await submit(running, "UBOB", view, count="1", note="")
    assert len(await checkins(running)) == 1
    first, second = running.slack.dms_to("UBOB")
    assert "Logged 1 meeting for yesterday" in first.text
    assert "didn't count it twice" in second.all_text
    again = await running.users.block_action("UBOB", "log_again", message=second)
    [logged] = await running.users.wait_replies(again, 1)
    assert "Logged 1 meeting for yesterday" in logged.text
    assert len(await checkins(running)) == 2


async def test_the_modal_answers_within_a_checkins_deadline(
    running: Running, database_url: str
) -> None:
    """With the database not answering, the modal closes in time and the rep is told
    nothing was saved within Slack's 3 seconds, as for ``/logmeeting``: the lookup of
    who submitted it and the save share one deadline."""
    view = await open_modal(running, "UALICE", "meeting")
    loop = asyncio.get_running_loop()
    async with database_stalled(database_url):
        submitted = loop.time()
        response = await running.users.view_submission(
            "UALICE", "log_modal", modal_values(count="2", note="stalled"), view=view
        )
        assert response.status == 200 and response.within_deadline
        await running.slack.wait_until(lambda: bool(running.slack.dms_to("UALICE")), timeout=5)
        told = loop.time() - submitted
    [dm] = running.slack.dms_to("UALICE")
    assert "couldn't save that check-in" in dm.text and told < 3.0
    await settle()
    assert await checkins(running) == []


@BOTH_TRANSPORTS
@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"activity": None}, "activity", "Pick an activity."),
        ({"count": "0"}, "count", "The count must be a whole number from 1 to 50 — you typed 0."),
        ({"count": "7.5"}, "count", "you typed 7.5"),
        ({"day": "2026-11-27"}, "day", "You can't log a day in the future — 2026-11-27 is after"),
        ({"day": "2026-11-18"}, "day", "at most 7 days back (the earliest is 2026-11-19)"),
        ({"note": "n" * 281}, "note", "The note is 281 characters long; the limit is 280."),
    ],
)
async def test_each_invalid_field_is_answered_beside_it(
    running: Running, fields: dict[str, Any], field: str, words: str
) -> None:
    view = await open_modal(running, "UALICE", "meeting")
    response = await submit(running, "UALICE", view, **fields)
    assert response.json["response_action"] == "errors"
    assert list(response.json["errors"]) == [field]
    assert words in response.json["errors"][field]
    assert await checkins(running) == []
    assert running.slack.dms_to("UALICE") == [] and running.slack.messages_in(CHANNEL) == []


async def test_the_day_is_checked_in_the_reps_own_timezone(running: Running) -> None:
    running.clock.set(datetime(2026, 11, 26, 21, tzinfo=NY))  # already Friday in London
    view = await open_modal(running, "UOUTSIDER", "referral")
    assert view["blocks"][2]["element"]["initial_date"] == "2026-11-27"
    await submit(running, "UOUTSIDER", view, activity="referral", count="1", day="2026-11-27")
    [row] = await checkins(running)
    assert (row.user_id, row.day) == ("UOUTSIDER", date(2026, 11, 27))
    [dm] = running.slack.dms_to("UOUTSIDER")
    assert "Join the channel" in dm.all_text  # not on the roster: recorded, with a hint

    refused = await submit(running, "UALICE", view, activity="referral", day="2026-11-27")
    assert "future" in refused.json["errors"]["day"]
    assert len(await checkins(running)) == 1
