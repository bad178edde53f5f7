"""The replies about a team itself: what a manager reads, valid Block Kit, nothing a
manager typed able to ping anyone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.activities import BUILT_IN, MAX_ACTIVE_ACTIVITIES, new_activity
from bot.domain.settings import load_settings
from bot.domain.team_settings import SettingChange, parse_setting, with_setting
from bot.messages import Message
from bot.messages.team_admin import (
    activity_added,
    activity_list,
    activity_name_taken,
    activity_removed,
    already_a_team,
    moment,
    not_in_channel,
    roster_changed,
    setting_changed,
    team_created,
    team_settings_view,
    too_many_activities,
    unknown_activity,
    which_team,
)
from bot.standin import block_errors, visible_text

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = with_setting(
    load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "HUDDLE_CHANNEL": "C1"}
    ).team_defaults,
    "timezone",
    BERLIN,
)
NEXT_NUDGE = datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)
NEXT_SUMMARY = datetime(2026, 12, 4, 9, 0, tzinfo=BERLIN)
DEMO = new_activity("demo", "demo booked", "demos booked")
HOSTILE = new_activity("evil", "@here call", "@channel calls")


def valid(msg: Message) -> str:
    """``msg`` is a valid message; everything in it a person could read."""
    assert set(msg) == {"text", "blocks"}
    assert msg["text"]
    assert len(msg["blocks"]) <= 50
    assert block_errors(msg["blocks"]) == []
    return visible_text(msg["text"], msg["blocks"])


def test_moment_names_the_clock() -> None:
    assert moment(NEXT_NUDGE) == "Thu 3 Dec 15:00 (Europe/Berlin)"
    assert moment(datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("UTC"))) == "Fri 4 Dec 09:00 (UTC)"


def test_settings_view_says_where_each_value_came_from() -> None:
    changes = {"timezone": SettingChange("UMANAGER", date(2026, 11, 30))}
    shown = valid(team_settings_view("C0SALES", TEAM, changes, NEXT_NUDGE, NEXT_SUMMARY))
    assert "Settings of <#C0SALES>" in shown
    assert "`Europe/Berlin` — _set in Slack by <@UMANAGER> on Mon 30 Nov 2026_" in shown
    assert "`thu 15:00` (each rep's own timezone) — _from HUDDLE_NUDGE_AT when the team" in shown
    assert "`fri 09:00` (team timezone) — _from HUDDLE_SUMMARY_AT" in shown
    assert "`mon-thu 09:00` (team timezone)" in shown
    assert "`50` — _from HUDDLE_MAX_COUNT" in shown
    assert "`7` — _from HUDDLE_BACKDATE_DAYS" in shown
    assert "Next nudge:* Thu 3 Dec 15:00 (Europe/Berlin)" in shown
    assert "Next summary:* Fri 4 Dec 09:00 (Europe/Berlin)" in shown
    assert "/huddle settings WORD VALUE" in shown


def test_settings_view_of_a_team_without_a_daily_huddle() -> None:
    off = with_setting(TEAM, "huddle", None)
    shown = valid(team_settings_view("C0SALES", off, {}, NEXT_NUDGE, NEXT_SUMMARY))
    assert "(`huddle`): `off` — _from HUDDLE_HUDDLE_AT" in shown


def test_a_settings_change_names_the_next_nudge_and_summary() -> None:
    earlier = with_setting(TEAM, "nudge", parse_setting("nudge", "wed 14:00"))
    nudge = datetime(2026, 12, 2, 14, 0, tzinfo=BERLIN)
    msg = setting_changed("nudge", earlier, nudge, NEXT_SUMMARY)
    shown = valid(msg)
    assert "Weekly nudge is now *wed 14:00*" in shown
    assert "Next nudge:* Wed 2 Dec 14:00 (Europe/Berlin)" in shown
    assert "Next summary:* Fri 4 Dec 09:00 (Europe/Berlin)" in shown
    assert "*" not in msg["text"]


def test_activity_list_shows_active_and_retired() -> None:
    shown = valid(activity_list([BUILT_IN[0], DEMO], [BUILT_IN[3]]))
    assert "(2 of at most 10)" in shown
    assert "`meeting` — meeting / meetings · log with `/log meeting` or `/logmeeting`" in shown
    assert "`demo` — demo booked / demos booked · log with `/log demo`" in shown
    assert "/logdemo" not in shown  # a team's own activity has no slash command of its own
    assert "*Retired*" in shown and "`referral` — referrals" in shown


def test_activity_list_without_retired_or_active() -> None:
    assert "Retired" not in valid(activity_list(BUILT_IN, []))
    assert "None: add one" in valid(activity_list([], BUILT_IN))


def test_typed_names_cannot_ping() -> None:
    for msg in (
        activity_list([HOSTILE], [HOSTILE]),
        activity_added(HOSTILE, revived=False),
        activity_removed(HOSTILE),
    ):
        shown = valid(msg)
        assert "@here" not in shown and "@channel" not in shown
        assert "@\u2060here" in shown or "@\u2060channel" in shown


@pytest.mark.parametrize("revived", [False, True])
def test_activity_added(revived: bool) -> None:
    shown = valid(activity_added(DEMO, revived=revived))
    assert "This team counts *demos booked*" in shown
    assert "`/log demo`" in shown and "`/huddle goal demo N`" in shown
    assert ("again, with its history" in shown) is revived


def test_activity_removed() -> None:
    shown = valid(activity_removed(DEMO))
    assert "no longer counts *demos booked*" in shown
    assert "history stays" in shown and "`/huddle activity add demo` brings it back" in shown


def test_the_eleventh_activity_names_the_limit() -> None:
    ten = [new_activity(f"a{i}") for i in range(MAX_ACTIVE_ACTIVITIES)]
    shown = valid(too_many_activities(ten))
    assert "already counts 10 activities, the most it can (10)" in shown
    assert "/huddle activity remove KEY" in shown and "a0, a1" in shown
    assert "Nothing was changed" in shown


def test_an_unknown_activity_lists_the_known_ones() -> None:
    shown = valid(unknown_activity("<!here>" + "x" * 100, BUILT_IN))
    assert "doesn't count an activity" in shown
    assert "meeting, call, followup, referral" in shown
    assert "<!here>" not in shown and "…" in shown
    assert "Nothing was changed" in shown


def test_a_name_taken_names_both() -> None:
    taken = new_activity("meet", "meeting", "meets")
    shown = valid(activity_name_taken(taken, BUILT_IN[0]))
    assert "`meet` (meeting / meets) would share a name with `meeting`" in shown


def test_setup_replies() -> None:
    created = valid(team_created("C0SALES", TEAM, NEXT_NUDGE, NEXT_SUMMARY))
    assert "<#C0SALES> is now a team, and you are its manager" in created
    assert "/huddle goal meetings 6" in created and "/huddle settings" in created
    assert "nudge thu 15:00, summary fri 09:00" in created and "timezone Europe/Berlin" in created
    again = valid(already_a_team("C0SALES", TEAM, {}, NEXT_NUDGE, NEXT_SUMMARY))
    assert "<#C0SALES> is already a team; nothing was changed" in again
    assert "Settings of <#C0SALES>" in again and "Next summary" in again
    outside = valid(not_in_channel("C0SALES"))
    assert "I'm not in <#C0SALES>" in outside and "/invite @Huddle" in outside


def test_which_team_lists_the_callers_teams() -> None:
    shown = valid(which_team(["C0SALES", "C0EMEA"]))
    assert "add `#channel` to say which: <#C0SALES>, <#C0EMEA>" in shown


def test_roster_changed() -> None:
    assert "<@UALICE> is on the roster" in valid(roster_changed("UALICE", on_roster=True))
    off = valid(roster_changed("UALICE", on_roster=False))
    assert "off the roster" in off and "still recorded" in off
