"""The check-in grammar: counts, days, notes, ``/log`` splitting and the usage text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.activities import BUILT_IN, Activity
from commands.grammar.checkin import (
    CheckInRequest,
    InvalidCheckIn,
    parse_checkin,
    split_activity,
    usage,
)

TODAY = date(2026, 11, 26)  # a Thursday
MEETING, CALL, FOLLOWUP, REFERRAL = BUILT_IN


def parse(text: str) -> CheckInRequest:
    return parse_checkin(text, today=TODAY)


def rejects(text: str, *fragments: str) -> None:
    """``text`` is refused, and the message says each of ``fragments``."""
    with pytest.raises(InvalidCheckIn) as caught:
        parse(text)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_today_is_a_thursday() -> None:
    assert TODAY.weekday() == 3


@pytest.mark.parametrize("text", ["", " ", "\t\n", "\xa0"])
def test_empty_text_is_one_today_without_note(text: str) -> None:
    assert parse(text) == CheckInRequest(count=1, day=TODAY, note="")


# --- COUNT ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [("1", 1), ("2", 2), ("50", 50), ("07", 7), ("0050", 50), ("3 yesterday", 3)],
)
def test_count(text: str, count: int) -> None:
    assert parse(text).count == count


@pytest.mark.parametrize(
    "token",
    [
        "0",
        "00",
        "-1",
        "+2",
        "−1",  # Unicode minus sign
        "51",
        "100",
        "2.5",
        "2,5",
        "2.",
        "1,000",
        "٣",  # Arabic-Indic three: a number, but not ASCII digits
        "99999999999999999999",
    ],
)
def test_bad_count_is_an_error_not_a_note(token: str) -> None:
    rejects(f"{token} Acme", "whole number from 1 to 50", f"`{token}`")


def test_enormous_count_does_not_crash_and_is_not_echoed_in_full() -> None:
    token = "9" * 10_000  # past int()'s 4300-digit limit
    with pytest.raises(InvalidCheckIn) as caught:
        parse(token)
    assert len(str(caught.value)) < 200


def test_max_count_is_configurable() -> None:
    assert parse_checkin("120", today=TODAY, max_count=200).count == 120
    with pytest.raises(InvalidCheckIn, match="from 1 to 5 "):
        parse_checkin("6", today=TODAY, max_count=5)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("3M renewal", "3M renewal"),
        ("2x upsell", "2x upsell"),
        ("1st meeting with Acme", "1st meeting with Acme"),
        ("#3 on the list", "#3 on the list"),
    ],
)
def test_token_starting_with_digits_is_a_note(text: str, note: str) -> None:
    assert parse(text) == CheckInRequest(count=1, day=TODAY, note=note)


def test_number_after_the_count_is_part_of_the_note() -> None:
    assert parse("3 2.5 hours of demos") == CheckInRequest(3, TODAY, "2.5 hours of demos")


# --- DAY -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "day"),
    [
        ("today", TODAY),
        ("TODAY", TODAY),
        ("yesterday", date(2026, 11, 25)),
        ("Yesterday", date(2026, 11, 25)),
        ("thu", TODAY),  # the weekday that is today means today
        ("Thursday", TODAY),
        ("thur", TODAY),
        ("thurs", TODAY),
        ("wed", date(2026, 11, 25)),
        ("weds", date(2026, 11, 25)),
        ("wednesday", date(2026, 11, 25)),
        ("tue", date(2026, 11, 24)),
        ("tues", date(2026, 11, 24)),
        ("TUESDAY", date(2026, 11, 24)),
        ("mon", date(2026, 11, 23)),
        ("monday", date(2026, 11, 23)),
        ("sun", date(2026, 11, 22)),
        ("sunday", date(2026, 11, 22)),
        ("sat", date(2026, 11, 21)),  # wraps into last week
        ("saturday", date(2026, 11, 21)),
        ("fri", date(2026, 11, 20)),
        ("Friday", date(2026, 11, 20)),
        ("2026-11-26", TODAY),
        ("2026-11-20", date(2026, 11, 20)),
    ],
)
def test_day_forms(token: str, day: date) -> None:
    assert parse(token) == CheckInRequest(1, day, "")
    assert parse(f"2 {token} Acme") == CheckInRequest(2, day, "Acme")


def test_weekday_never_resolves_to_the_future_or_more_than_six_days_back() -> None:
    for offset in range(7):
        today = TODAY + timedelta(days=offset)
        for token in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            day = parse_checkin(token, today=today).day
            assert today - timedelta(days=6) <= day <= today
            assert day.strftime("%a").lower() == token


def test_seven_days_back_is_allowed_and_eight_is_not() -> None:
    assert parse("2026-11-19").day == date(2026, 11, 19)
    rejects("2026-11-18", "7 days back", "2026-11-19", "8 days ago")


def test_backdate_limit_is_configurable_and_applies_to_every_form() -> None:
    assert parse_checkin("yesterday", today=TODAY, backdate_days=1).day == date(2026, 11, 25)
    with pytest.raises(InvalidCheckIn, match="at most 1 day back"):
        parse_checkin("tue", today=TODAY, backdate_days=1)
    with pytest.raises(InvalidCheckIn, match="at most 0 days back"):
        parse_checkin("yesterday", today=TODAY, backdate_days=0)


@pytest.mark.parametrize("token", ["2026-11-27", "2027-01-01", "9999-12-31"])
def test_future_day_is_an_error(token: str) -> None:
    rejects(f"1 {token}", "You can't log a day in the future", f"`{token}`")


@pytest.mark.parametrize("token", ["2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01"])
def test_impossible_iso_date_is_an_error(token: str) -> None:
    rejects(token, f"`{token}` isn't a real date", "YYYY-MM-DD")


@pytest.mark.parametrize(
    "token", ["11/25", "25/11/2026", "2026/11/25", "11-25", "2026-1-5", "25.11.2026"]
)
def test_other_date_shapes_are_an_error_naming_the_accepted_forms(token: str) -> None:
    rejects(f"{token} Acme", f"`{token}`", "`today`", "`yesterday`", "`mon`", "YYYY-MM-DD")
    rejects(f"2 {token} Acme", f"`{token}`", "YYYY-MM-DD")


def test_only_the_first_word_after_the_count_can_be_the_day() -> None:
    assert parse("2 Acme yesterday") == CheckInRequest(2, TODAY, "Acme yesterday")
    assert parse("yesterday Acme 2026-01-01") == CheckInRequest(
        1, date(2026, 11, 25), "Acme 2026-01-01"
    )


def test_day_before_count_makes_the_number_a_note() -> None:
    # The grammar is COUNT then DAY; the reply shows what was recorded, with Undo.
    assert parse("yesterday 2") == CheckInRequest(1, date(2026, 11, 25), "2")


def test_word_that_merely_contains_a_day_is_a_note() -> None:
    assert parse("todays demo") == CheckInRequest(1, TODAY, "todays demo")
    assert parse("monthly review") == CheckInRequest(1, TODAY, "monthly review")


# --- NOTE ----------------------------------------------------------------------------


def test_note_of_280_characters_is_accepted_and_281_is_not() -> None:
    assert parse("a" * 280).note == "a" * 280
    rejects("b" * 281, "281 characters", "limit is 280")


def test_note_length_is_measured_after_trimming() -> None:
    assert parse("  " + "a" * 280 + "  \n").note == "a" * 280


def test_max_note_is_configurable() -> None:
    with pytest.raises(InvalidCheckIn, match="limit is 5"):
        parse_checkin("abcdef", today=TODAY, max_note=5)


@pytest.mark.parametrize(
    "note",
    [
        "Café with Zoë 🎉",
        "会议 with 北京 team",
        "👍🏽 :tada: <@U123> & <!channel>",
        "Acme — “renewal” ✓",
    ],
)
def test_unicode_notes_are_kept_as_typed(note: str) -> None:
    assert parse(f"2 yesterday {note}") == CheckInRequest(2, date(2026, 11, 25), note)


def test_emoji_count_by_code_point() -> None:
    assert parse("🎉" * 280).note == "🎉" * 280
    rejects("🎉" * 281, "281 characters")


def test_internal_whitespace_of_the_note_is_kept() -> None:
    note = "Acme:  two   spaces\nnew line\tand tab"
    assert parse(f"3 {note}").note == note


@pytest.mark.parametrize(
    "text",
    [
        "2 yesterday Acme  renewal",
        "  2   yesterday   Acme  renewal  ",
        "2\tyesterday\tAcme  renewal",
        "2\xa0yesterday\xa0Acme  renewal",
        "2\u2003yesterday\u202fAcme  renewal",
        "\n2\nyesterday\nAcme  renewal\n",
    ],
)
def test_any_whitespace_separates_tokens(text: str) -> None:
    assert parse(text) == CheckInRequest(2, date(2026, 11, 25), "Acme  renewal")


# --- /log <activity> -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "activity", "rest"),
    [
        ("meeting", MEETING, ""),
        ("meetings 3 yesterday Acme", MEETING, "3 yesterday Acme"),
        ("Meeting 2", MEETING, "2"),
        ("CALLS 10", CALL, "10"),
        ("call", CALL, ""),
        ("follow-up mon", FOLLOWUP, "mon"),
        ("followups 4", FOLLOWUP, "4"),
        ("Follow-Ups", FOLLOWUP, ""),
        ("referral Jane  at Acme", REFERRAL, "Jane  at Acme"),
        ("\xa0referrals\xa02", REFERRAL, "2"),
    ],
)
def test_split_activity(text: str, activity: Activity, rest: str) -> None:
    assert split_activity(text, BUILT_IN) == (activity, rest)


def test_split_activity_then_parse() -> None:
    activity, rest = split_activity("calls 12 tue cold list", BUILT_IN)
    assert activity == CALL
    assert parse(rest) == CheckInRequest(12, date(2026, 11, 24), "cold list")


@pytest.mark.parametrize("text", ["", "   ", "\xa0"])
def test_split_activity_missing_lists_the_activities(text: str) -> None:
    with pytest.raises(InvalidCheckIn, match="meeting, call, follow-up, referral"):
        split_activity(text, BUILT_IN)


def test_split_activity_unknown() -> None:
    with pytest.raises(InvalidCheckIn) as caught:
        split_activity("xyz 3", BUILT_IN)
    assert str(caught.value) == (
        "I don't know the activity `xyz`. Try one of: meeting, call, follow-up, referral."
    )


def test_split_activity_accepts_a_generator_of_custom_activities() -> None:
    demo = Activity("demo", "demo", "demos")
    assert split_activity("demos 2", (a for a in (*BUILT_IN, demo))) == (demo, "2")
    with pytest.raises(
        InvalidCheckIn, match="Try one of: meeting, call, follow-up, referral, demo"
    ):
        split_activity("lunch", (a for a in (*BUILT_IN, demo)))


# --- usage ---------------------------------------------------------------------------


@pytest.mark.parametrize("activity", BUILT_IN)
def test_usage_for_an_activity_command(activity: Activity) -> None:
    text = usage(activity)
    assert f"`{activity.command} [COUNT] [DAY] [NOTE]`" in text
    assert f"{activity.command} 2 yesterday" in text
    assert "YYYY-MM-DD" in text and "yesterday" in text and "7 days" in text


def test_usage_for_log() -> None:
    text = usage()
    assert "`/log ACTIVITY [COUNT] [DAY] [NOTE]`" in text
    assert "/log meeting" in text


def test_the_usage_a_rep_reads_word_for_word() -> None:
    rules = (
        "COUNT is a whole number from 1 to 50 (default 1). DAY is `today` (default), "
        "`yesterday`, a weekday like `mon` (the most recent one, today included) or "
        "`YYYY-MM-DD`, at most 7 days back. NOTE is up to 280 characters."
    )
    assert usage(MEETING) == (
        "Usage: `/logmeeting [COUNT] [DAY] [NOTE]`\n"
        "Examples: `/logmeeting` · `/logmeeting 3` · `/logmeeting 2 yesterday Acme intro` · "
        f"`/logmeeting mon`\n{rules}"
    )
    assert usage() == (
        "Usage: `/log ACTIVITY [COUNT] [DAY] [NOTE]`\n"
        "Examples: `/log meeting` · `/log meeting 3` · `/log meeting 2 yesterday Acme intro` · "
        f"`/log meeting mon`\n{rules}"
    )


def test_usage_follows_the_configured_limits() -> None:
    text = usage(MEETING, max_count=20, backdate_days=3, max_note=100)
    assert "1 to 20" in text and "3 days" in text and "100 characters" in text


def test_every_example_in_the_usage_parses() -> None:
    for activity in BUILT_IN:
        examples = usage(activity).splitlines()[1].removeprefix("Examples: ").split(" · ")
        for example in examples:
            command, _, rest = example.strip("`").partition(" ")
            assert command == activity.command
            parse(rest)


# --- property ------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "0", "1", "07", "50", "51", "-1", "2.5", "today", "YESTERDAY", "thu", "sat",
        "2026-11-19", "2026-11-18", "2026-11-27", "2026-02-30", "11/25", "3M", "🎉",
        "a" * 140, "\xa0", "\t", "\n",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(_WORDS, st.text()), max_size=8).map(" ".join))
def test_any_text_parses_within_the_limits_or_is_refused(text: str) -> None:
    try:
        request = parse(text)
    except InvalidCheckIn as problem:
        assert str(problem)
        return
    assert 1 <= request.count <= 50
    assert TODAY - timedelta(days=7) <= request.day <= TODAY
    assert len(request.note) <= 280
    assert request.note == request.note.strip()


def test_nul_characters_are_dropped_so_the_note_can_be_stored() -> None:
    """PostgreSQL text cannot hold a NUL; nobody means one, so it is not in the note,
    and a count or day split by one still reads as typed."""
    request = parse("2\x00 yester\x00day Acme\x00 intro\x00")
    assert (request.count, request.day, request.note) == (
        2,
        TODAY - timedelta(days=1),
        "Acme intro",
    )
