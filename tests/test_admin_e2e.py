"""``/huddle`` end to end: signed slash commands over HTTP into the real app, Slack's
Web API played by the stand-in, on SQLite and PostgreSQL.

The fixture clock is Thursday 26 Nov 2026, 10:00 in New York; the week began Monday
23 Nov. Team goals come from ``HUDDLE_GOALS=meeting=6,call=20``; Morgan (UMANAGER1)
is a manager through ``HUDDLE_MANAGERS``; Alice, Bob and Cara are reps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.domain.goals import TEAM_DEFAULT
from bot.standin import SlackWebAPIStandIn, UserReply
from storage.models import Announcement, AwayPeriod, CheckIn, Goal, Membership, Person, Team
from tests.clock import FakeClock
from tests.conftest import (
    BOT_TOKEN,
    BOTH_TRANSPORTS,
    CHANNEL,
    MANAGER,
    SIGNING_SECRET,
    Running,
    running_with,
)

MONDAY = date(2026, 11, 23)
ALICE = "<@UALICE|alice>"
BOB = "<@UBOB|bob>"


async def huddle(running: Running, user_id: str, text: str = "") -> UserReply:
    response = await running.users.command(user_id, "/huddle", text)
    assert response.status == 200
    assert response.within_deadline
    reply = await running.users.reply(response)
    assert reply.response_type == "ephemeral"
    return reply


async def command(running: Running, user_id: str, name: str, text: str = "") -> UserReply:
    return await running.users.reply(await running.users.command(user_id, name, text))


async def goals(running: Running) -> list[tuple[str, str, date, int | None]]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(
            select(Goal).order_by(Goal.valid_from, Goal.activity, Goal.user_id)
        )
        return [(g.activity, g.user_id, g.valid_from, g.target) for g in rows]


async def away_periods(running: Running) -> list[tuple[str, date, date, str]]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(AwayPeriod).order_by(AwayPeriod.id))
        return [(p.user_id, p.first_day, p.last_day, p.created_by) for p in rows]


async def person(running: Running, user_id: str) -> Person | None:
    async with running.huddle.runtime.sessions() as session:
        return await session.get(Person, (running.slack.team_id, user_id))


async def seat(running: Running, user_id: str, channel: str = CHANNEL) -> Membership | None:
    """``user_id``'s membership of the team of ``channel``."""
    async with running.huddle.runtime.sessions() as session:
        return await session.scalar(
            select(Membership)
            .join(Team, Team.id == Membership.team_ref)
            .where(Team.channel_id == channel, Membership.user_id == user_id)
        )


async def is_manager(running: Running, user_id: str, channel: str = CHANNEL) -> bool:
    found = await seat(running, user_id, channel)
    return found is not None and found.is_manager


async def line_ts(running: Running, checkin_id: int) -> str | None:
    async with running.huddle.runtime.sessions() as session:
        return await session.scalar(
            select(Announcement.ts).where(Announcement.checkin_id == checkin_id)
        )


SEEDED = [
    ("call", TEAM_DEFAULT, date(2000, 1, 3), 20),
    ("meeting", TEAM_DEFAULT, date(2000, 1, 3), 6),
]


# help and mistakes --------------------------------------------------------------------


@BOTH_TRANSPORTS
@pytest.mark.parametrize("user_id", ["UALICE", MANAGER])
async def test_help_lists_every_subcommand(running: Running, user_id: str) -> None:
    for typed in ("", "help"):
        reply = await huddle(running, user_id, typed)
        for syntax in ("/huddle goal", "/huddle away", "/huddle back", "/huddle undo"):
            assert syntax in reply.all_text
        assert "/huddle manager add|remove @user" in reply.all_text
        assert "/huddle settings` — the channel, timezone, schedule and limits _(managers)_" in (
            reply.all_text
        )
        assert ("You're a manager" in reply.all_text) == (user_id == MANAGER)


@BOTH_TRANSPORTS
async def test_unknown_subcommand_names_it_and_escapes_it(running: Running) -> None:
    reply = await huddle(running, "UALICE", "<!channel> now")
    assert "I don't know `/huddle &lt;!channel&gt;`" in reply.all_text
    assert "<!channel>" not in reply.all_text
    assert "Nothing was changed" in reply.all_text
    assert "/huddle goal" in reply.all_text  # the usage comes along
    assert await goals(running) == SEEDED


async def test_bad_arguments_show_that_subcommands_usage(running: Running) -> None:
    reply = await huddle(running, MANAGER, "goal meetings 0")
    assert "whole number from 1 to 1000" in reply.all_text
    assert "/huddle goal ACTIVITY N|off" in reply.all_text
    assert "/huddle undo" not in reply.all_text
    reply = await huddle(running, MANAGER, "goal dances 5")
    assert "I don't know the activity `dances`" in reply.all_text
    assert "meeting, call, follow-up, referral" in reply.all_text
    assert await goals(running) == SEEDED


# goals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("user_id", ["UBOB", MANAGER])
async def test_anyone_can_list_goals(running: Running, user_id: str) -> None:
    reply = await huddle(running, user_id, "goal")
    assert "Goals for the week of Mon 23 Nov" in reply.all_text
    assert "*Team:* 6 meetings · 20 calls · no goal for follow-ups, referrals" in reply.all_text
    assert "everyone has the team's" in reply.all_text


@BOTH_TRANSPORTS
async def test_manager_sets_the_team_goal_from_this_week(running: Running) -> None:
    reply = await huddle(running, MANAGER, "goal Meetings 8")
    assert "Team goal: 8 meetings a week, from this week (week of Mon 23 Nov) on" in reply.text
    # Earlier weeks keep the goal they had.
    assert await goals(running) == [*SEEDED, ("meeting", TEAM_DEFAULT, MONDAY, 8)]
    progress = await command(running, "UALICE", "/progress")
    assert "0 of 8 meetings · 8 to go" in progress.all_text
    logged = await command(running, "UBOB", "/logmeeting", "2")
    assert "2 of 8 meetings · 6 to go" in logged.all_text

    # A second change in the same week replaces that week's row.
    await huddle(running, MANAGER, "goal 5 meeting")
    assert await goals(running) == [*SEEDED, ("meeting", TEAM_DEFAULT, MONDAY, 5)]
    listed = await huddle(running, "UCARA", "goal")
    assert "*Team:* 5 meetings · 20 calls" in listed.all_text


async def test_team_goal_off(running: Running) -> None:
    reply = await huddle(running, MANAGER, "goal calls off")
    assert "The team's call goal is off from this week (week of Mon 23 Nov) on" in reply.text
    logged = await command(running, "UALICE", "/logcall", "3")
    assert "3 calls (no goal)" in logged.all_text
    listed = await huddle(running, "UALICE", "goal")
    assert "*Team:* 6 meetings · no goal for calls, follow-ups, referrals" in listed.all_text


async def test_rep_override_and_off(running: Running) -> None:
    reply = await huddle(running, MANAGER, f"goal {ALICE} meetings 3")
    assert "Alice's own goal: 3 meetings a week (instead of the team's 6 meetings)" in reply.text
    assert ("meeting", "UALICE", MONDAY, 3) in await goals(running)

    alice = await command(running, "UALICE", "/logmeeting")
    assert "1 of 3 meetings · 2 to go" in alice.all_text
    bob = await command(running, "UBOB", "/logmeeting")
    assert "1 of 6 meetings · 5 to go" in bob.all_text
    listed = await huddle(running, "UBOB", "goal")
    assert "• Alice: 3 meetings" in listed.all_text

    await huddle(running, MANAGER, "goal referrals 2")
    new_rep = await huddle(running, MANAGER, f"goal {ALICE} referrals 4")
    assert "instead of the team's 2 referrals" in new_rep.text

    off = await huddle(running, MANAGER, f"goal {ALICE} meeting off")
    assert "Alice's own meeting goal is removed" in off.text
    assert "Alice follows the team's 6 meetings" in off.text
    progress = await command(running, "UALICE", "/progress")
    assert "1 of 6 meetings · 5 to go" in progress.all_text
    assert "0 of 4 referrals" in progress.all_text
    listed = await huddle(running, "UBOB", "goal")
    assert "• Alice: 4 referrals" in listed.all_text
    assert "3 meetings" not in listed.all_text


@BOTH_TRANSPORTS
@pytest.mark.parametrize(
    "text", ["goal meetings 9", f"goal {ALICE} meetings 2", "goal calls off", "goal <@UBOB> call 1"]
)
async def test_reps_cannot_change_goals(running: Running, text: str) -> None:
    reply = await huddle(running, "UBOB", text)
    assert "Only managers can change goals" in reply.text
    assert "Morgan" in reply.text
    assert await goals(running) == SEEDED


# away and back ----------------------------------------------------------------------------


@BOTH_TRANSPORTS
async def test_away_monday_and_tuesday_prorates_the_goal(running: Running) -> None:
    reply = await huddle(running, "UALICE", "away 2026-11-23 2026-11-24")
    assert "You're away Mon 23 Nov – Tue 24 Nov (2 workdays)" in reply.text
    assert "Nudges pause" in reply.text and "prorated" in reply.text
    assert await away_periods(running) == [("UALICE", MONDAY, date(2026, 11, 24), "UALICE")]

    logged = await command(running, "UALICE", "/logmeeting")
    assert "1 of 4 meetings · 3 to go" in logged.all_text  # 6 x 3/5, rounded up
    progress = await command(running, "UALICE", "/progress")
    assert "prorated to 3 of 5 workdays" in progress.all_text
    bob = await command(running, "UBOB", "/logmeeting")
    assert "1 of 6 meetings" in bob.all_text


async def test_away_until_starts_today(running: Running) -> None:
    reply = await huddle(running, "UCARA", "away until 2026-12-04")
    assert "You're away Thu 26 Nov – Fri 4 Dec (7 workdays)" in reply.text
    assert await away_periods(running) == [
        ("UCARA", date(2026, 11, 26), date(2026, 12, 4), "UCARA")
    ]
    logged = await command(running, "UCARA", "/logmeeting")
    assert "1 of 4 meetings" in logged.all_text  # away Thu and Fri: present 3 of 5


async def test_manager_marks_someone_else_away_and_back(running: Running) -> None:
    reply = await huddle(running, MANAGER, f"away {ALICE} 2026-11-23 2026-11-24")
    assert "Alice is away Mon 23 Nov – Tue 24 Nov" in reply.text
    assert await away_periods(running) == [("UALICE", MONDAY, date(2026, 11, 24), MANAGER)]
    progress = await command(running, "UALICE", "/progress")
    assert "0 of 4 meetings" in progress.all_text

    await huddle(running, MANAGER, f"away {ALICE} until 2026-11-30")
    back = await huddle(running, MANAGER, f"back {ALICE}")
    assert "Welcome back, Alice" in back.all_text
    assert "Thu 26 Nov – Mon 30 Nov: cancelled" in back.all_text
    assert await away_periods(running) == [("UALICE", MONDAY, date(2026, 11, 24), MANAGER)]


@pytest.mark.parametrize(
    "text", [f"away {ALICE} 2026-12-01 2026-12-02", f"away until 2026-12-02 {ALICE}"]
)
async def test_rep_cannot_mark_someone_else_away(running: Running, text: str) -> None:
    await huddle(running, "UALICE", "away 2026-12-07")
    reply = await huddle(running, "UBOB", text)
    assert "Only managers can mark someone else away" in reply.text
    refused = await huddle(running, "UBOB", f"back {ALICE}")
    assert "Only managers can mark someone else back" in refused.text
    assert await away_periods(running) == [
        ("UALICE", date(2026, 12, 7), date(2026, 12, 7), "UALICE")
    ]


async def test_naming_yourself_is_the_same_as_not_naming_anyone(running: Running) -> None:
    reply = await huddle(running, "UBOB", f"away {BOB} 2026-12-01")
    assert "You're away Tue 1 Dec (1 workday)" in reply.text


async def test_back_ends_the_current_period_and_cancels_later_ones(running: Running) -> None:
    await huddle(running, "UALICE", "away 2026-11-23 2026-11-27")
    await huddle(running, "UALICE", "away 2026-12-07 2026-12-08")
    await command(running, "UALICE", "/logmeeting")

    reply = await huddle(running, "UALICE", "back")
    assert "Welcome back! Present from today." in reply.all_text
    assert "Mon 23 Nov – Fri 27 Nov: now ends Wed 25 Nov" in reply.all_text
    assert "Mon 7 Dec – Tue 8 Dec: cancelled" in reply.all_text
    assert await away_periods(running) == [("UALICE", MONDAY, date(2026, 11, 25), "UALICE")]
    running.clock.advance(minutes=1)
    after = await command(running, "UALICE", "/logmeeting")
    assert "2 of 3 meetings · 1 to go" in after.all_text  # present Thu, Fri: 6 x 2/5 → 3

    again = await huddle(running, "UALICE", "back")
    assert "no away days from today on; nothing changed" in again.text


async def test_away_validation_changes_nothing(running: Running) -> None:
    for typed, problem in [
        ("away 2026-11-01 2026-11-02", "at most 7 days back (the earliest is 2026-11-19)"),
        ("away until 2026-11-20", "2026-11-20 is already past"),
        ("away 2026-12-05 2026-12-01", "is before the first"),
        ("away 2026-12-01 2027-06-01", "at most 92 days"),
        ("away next week", "can't read the date `next`"),
    ]:
        reply = await huddle(running, "UALICE", typed)
        assert problem in reply.all_text, typed
        assert "Nothing was changed" in reply.all_text
    assert await away_periods(running) == []


# undo -------------------------------------------------------------------------------------


async def checkins(running: Running) -> list[CheckIn]:
    async with running.huddle.runtime.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.id)))


@BOTH_TRANSPORTS
async def test_undo_removes_the_latest_checkin_and_strikes_its_line(running: Running) -> None:
    await command(running, "UALICE", "/logmeeting", "2")
    await running.slack.wait_for("chat.postMessage")
    running.clock.advance(minutes=1)
    await command(running, "UALICE", "/logcall", "5 Acme")
    await running.slack.wait_for("chat.postMessage", count=2)
    await command(running, "UBOB", "/logcall", "1")
    await running.slack.wait_for("chat.postMessage", count=3)

    reply = await huddle(running, "UALICE", "undo")
    assert "Undone: 5 calls for today" in reply.text
    assert "0 of 20 calls" in reply.all_text
    meeting, call, bobs = await checkins(running)
    assert call.undone_at is not None
    assert meeting.undone_at is None and bobs.undone_at is None

    [update] = await running.slack.wait_for("chat.update")
    call_ts = await line_ts(running, call.id)
    assert update.args["ts"] == call_ts
    lines = running.slack.messages_in(CHANNEL)
    struck = next(line for line in lines if line.ts == call_ts)
    assert struck.text.startswith("~*Alice* logged 5 calls for today~")
    assert not any(line.text.startswith("~") for line in lines if line is not struck)

    second = await huddle(running, "UALICE", "undo")
    assert "Undone: 2 meetings for today" in second.text
    assert "0 of 6 meetings" in second.all_text
    none_left = await huddle(running, "UALICE", "undo")
    assert "no check-in this week to undo" in none_left.text
    assert [c.undone_at is None for c in await checkins(running)] == [False, False, True]


async def test_undo_takes_a_checkin_just_backdated_into_last_week(running: Running) -> None:
    await command(running, "UCARA", "/logmeeting", "1 mon")
    running.clock.advance(minutes=1)
    await command(running, "UCARA", "/logmeeting", "3 2026-11-20")
    reply = await huddle(running, "UCARA", "undo")
    assert "Undone: 3 meetings for Fri 20 Nov" in reply.text
    monday, friday = await checkins(running)
    assert friday.undone_at is not None and monday.undone_at is None


async def test_manager_undo_is_their_own(running: Running) -> None:
    await command(running, "UALICE", "/logmeeting")
    reply = await huddle(running, MANAGER, "undo")
    assert "no check-in this week to undo" in reply.text
    [row] = await checkins(running)
    assert row.undone_at is None


# managers and settings ---------------------------------------------------------------------


async def test_manager_add_and_remove(running: Running) -> None:
    reply = await huddle(running, MANAGER, f"manager add {ALICE}")
    assert "Alice is now a manager" in reply.text
    assert await is_manager(running, "UALICE")

    # Alice can now change goals; Alice is no longer a rep in the roster sense.
    changed = await huddle(running, "UALICE", "goal calls 25")
    assert "Team goal: 25 calls" in changed.text
    assert "You're a manager" in (await huddle(running, "UALICE", "help")).all_text

    again = await huddle(running, MANAGER, f"manager add {ALICE}")
    assert "already a manager" in again.text
    removed = await huddle(running, "UALICE", f"manager remove {ALICE}")
    assert "Alice is no longer a manager" in removed.text
    assert not await is_manager(running, "UALICE")
    refused = await huddle(running, "UALICE", "goal calls 30")
    assert "Only managers can change goals" in refused.text


async def test_configured_managers_cannot_be_removed_by_command(running: Running) -> None:
    reply = await huddle(running, MANAGER, f"manager remove <@{MANAGER}|morgan>")
    assert "Morgan is a manager through HUDDLE_MANAGERS" in reply.text
    assert "Nothing was changed" in reply.text
    added = await huddle(running, MANAGER, f"manager add <@{MANAGER}>")
    assert "Morgan is already a manager" in added.text
    not_one = await huddle(running, MANAGER, f"manager remove {BOB}")
    assert "Bob isn't a manager" in not_one.text


async def test_manager_add_of_someone_unknown_stores_them(running: Running) -> None:
    running.slack.add_user("UNEWHIRE", "Nina")
    reply = await huddle(running, MANAGER, "manager add <@UNEWHIRE|nina>")
    assert "Nina is now a manager" in reply.text
    nina = await seat(running, "UNEWHIRE")
    assert nina is not None and nina.is_manager and not nina.in_channel
    assert await person(running, "UNEWHIRE") is not None


@pytest.mark.parametrize("text", [f"manager add {BOB}", f"manager remove <@{MANAGER}>"])
async def test_reps_cannot_change_managers(running: Running, text: str) -> None:
    reply = await huddle(running, "UBOB", text)
    assert "Only managers can add or remove managers" in reply.text
    assert not await is_manager(running, "UBOB")


@BOTH_TRANSPORTS
async def test_settings_show_where_each_came_from_without_secrets(running: Running) -> None:
    reply = await huddle(running, MANAGER, "settings")
    shown = reply.all_text
    for expected in (
        f"*Settings of <#{CHANNEL}>*",
        "*Timezone* (`timezone`): `America/New_York` — _from HUDDLE_TIMEZONE",
        "*Daily huddle* (`huddle`): `mon-thu 09:00` (team timezone)",
        "*Weekly nudge* (`nudge`): `thu 15:00` (each rep's own timezone)",
        "*Weekly summary* (`summary`): `fri 09:00`",
        "(`maxcount`): `50`",
        "(`backdate`): `7`",
        "*Next nudge:* Thu 26 Nov 15:00 (America/New_York)",
        "*Next summary:* Fri 27 Nov 09:00 (America/New_York)",
    ):
        assert expected in shown, expected
    assert BOT_TOKEN not in shown and SIGNING_SECRET not in shown
    assert running.huddle.runtime.settings.database_url not in shown
    assert "huddle.db" not in shown and "@127.0.0.1" not in shown


async def test_reps_see_settings_but_cannot_change_them(running: Running) -> None:
    reply = await huddle(running, "UCARA", "settings")
    assert "America/New_York" in reply.all_text
    refused = await huddle(running, "UCARA", "settings nudge thu 14:00")
    assert "Only managers can change settings" in refused.text
    assert "`thu 15:00`" in (await huddle(running, MANAGER, "settings")).all_text


async def test_database_failure_changes_nothing_and_says_so(running: Running) -> None:
    async with running.huddle.runtime.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE away_period RENAME TO away_gone"))
    try:
        reply = await huddle(running, "UALICE", "away 2026-12-01")
        assert "database isn't answering" in reply.text
        assert "You're away" not in reply.all_text
    finally:
        async with running.huddle.runtime.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE away_gone RENAME TO away_period"))
    assert await away_periods(running) == []


@BOTH_TRANSPORTS
async def test_board_privately_shows_everyones_week(running: Running) -> None:
    await running.users.command("UBOB", "/logmeeting", "4")
    reply = await running.users.reply(await running.users.command("UALICE", "/huddle", "board"))
    assert "Bob" in reply.all_text and "4/6 meetings" in reply.all_text
    assert reply.response_type == "ephemeral"


# a goal change never re-judges a week already summarised ------------------------------


async def test_goal_change_after_the_summary_applies_from_next_week(running: Running) -> None:
    """Alice logs her 6 meetings; Friday's summary calls the week hit; a manager then
    raises the goal to 8: that week keeps 6 (in /progress, App Home, later digests) and
    the reply says the change starts the week of 30 Nov."""
    await command(running, "UALICE", "/logmeeting", "6")
    await command(running, "UALICE", "/logcall", "20")
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    running.clock.set(friday)
    await running.ticker().tick()
    [summary] = [m for m in running.slack.messages_in(CHANNEL) if "results" in m.text]
    assert "✅ Alice" in summary.all_text

    running.clock.set(friday + timedelta(hours=2))
    reply = await huddle(running, MANAGER, "goal meetings 8")
    assert "from next week (week of Mon 30 Nov) on" in reply.all_text
    assert "This week's summary is already posted" in reply.all_text
    assert ("meeting", TEAM_DEFAULT, date(2026, 11, 30), 8) in await goals(running)

    running.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York")))
    progress = await command(running, "UALICE", "/progress")
    assert "2026-W48 ✅ hit" in progress.all_text
    assert "0 of 8 meetings" in progress.all_text


async def test_goal_change_before_the_summary_applies_from_this_week(running: Running) -> None:
    reply = await huddle(running, MANAGER, "goal meetings 8")
    assert "from this week (week of Mon 23 Nov) on" in reply.all_text
    assert ("meeting", TEAM_DEFAULT, MONDAY, 8) in await goals(running)


async def test_settings_name_the_reps_nudged_at_the_team_time(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock
) -> None:
    """A Sydney team: its Friday 09:00 summary is Thursday afternoon in Honolulu and Los
    Angeles, so those reps' nudge comes at Thursday 15:00 Sydney time."""
    slack.add_user("UHANA", "Hana", tz="Pacific/Honolulu")
    slack.add_user("ULEO", "Leo", tz="America/Los_Angeles")
    for user_id in ("UHANA", "ULEO"):
        slack.add_member(CHANNEL, user_id)
    async with running_with(
        database_url, slack, clock, HUDDLE_TIMEZONE="Australia/Sydney"
    ) as sydney:
        reply = await huddle(sydney, MANAGER, "settings")
    assert (
        "_At thu 15:00 Australia/Sydney instead, because their own would come after the "
        "summary or less than 2 hours before it:_ Hana (Pacific/Honolulu), "
        "Leo (America/Los_Angeles)"
    ) in reply.all_text
    assert "Alice" not in reply.all_text
