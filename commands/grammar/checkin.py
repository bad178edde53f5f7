"""The check-in grammar: ``/logmeeting [COUNT] [DAY] [NOTE...]`` and ``/log ACTIVITY ...``.

Pure functions only (no I/O, no clock): the caller passes ``today`` in the rep's timezone,
so the same text always parses the same way and the rules are testable without mocks.

The guiding rule is that a typo must never be recorded silently. A token that is clearly
an attempt at a count or a date but is not a valid one is an error, not the start of the
note, because a wrong number in the books is worse than asking the rep to retype.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.activities import BUILT_IN, Activity, resolve_activity
from commands.grammar.tokens import DIGITS, ISO_DATE, NUMBER_LIKE, days, echo

# Slack may send tabs, newlines or non-breaking spaces between words; ``\s`` on a str
# pattern is Unicode-aware (the same set as ``str.isspace``), so all of them separate tokens.
_TOKEN = re.compile(r"\S+")
# Other shapes of a date (``11/25``, ``25.11.2026``, ``2026/11/25``, ``2026-1-5``). Dots need
# three parts so that ``2.5`` stays a (bad) count rather than a (bad) date.
_DATE_LIKE = re.compile(r"[0-9]{1,4}(?:[-/][0-9]{1,4}){1,2}|[0-9]{1,4}(?:\.[0-9]{1,4}){2}")

_WEEKDAYS: dict[str, int] = {
    spelling: number
    for number, spellings in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for spelling in spellings
}
_RELATIVE_DAYS: dict[str, int] = {"today": 0, "yesterday": 1}

MAX_NOTE = 280
_DAY_FORMS = "`today`, `yesterday`, a weekday like `mon` or `YYYY-MM-DD`"
# Echoing a pasted wall of text back in an error helps nobody.


@dataclass(frozen=True)
class CheckInRequest:
    """What a rep asked to record, already validated against the limits."""

    count: int
    day: date
    note: str


class InvalidCheckIn(ValueError):
    """A user-facing explanation of what is wrong with what they typed.

    The message is shown to the rep as is (the caller escapes it for Slack), next to
    :func:`usage`, and nothing is recorded.
    """


def parse_checkin(
    text: str,
    *,
    today: date,
    max_count: int = 50,
    backdate_days: int = 7,
    max_note: int = MAX_NOTE,
) -> CheckInRequest:
    """Parse the text after an activity command, e.g. ``2 yesterday Acme intro``."""
    text = text.replace("\x00", "")  # nobody means a NUL, and PostgreSQL text cannot hold one
    tokens = _TOKEN.finditer(text)
    token = next(tokens, None)
    count = 1
    if token is not None and (typed := read_count(token[0], max_count)) is not None:
        count = typed
        token = next(tokens, None)
    day = today
    if token is not None and (named := read_day(token[0], today)) is not None:
        day = within_window(named, token[0], today, backdate_days)
        token = next(tokens, None)
    note = text[token.start() :].strip() if token is not None else ""
    return CheckInRequest(count=count, day=day, note=checked_note(note, max_note))


def checked_note(note: str, max_note: int = MAX_NOTE) -> str:
    """``note`` if it is short enough (the caller trims it)."""
    if len(note) > max_note:
        raise InvalidCheckIn(
            f"The note is {len(note)} characters long; the limit is {max_note}. Please shorten it."
        )
    return note


def split_activity(text: str, activities: Iterable[Activity]) -> tuple[Activity, str]:
    """Split ``/log <activity> ...`` into the activity and the text for :func:`parse_checkin`.
    A name may be several words (``/log demo booked 2``); the longest one that matches
    wins."""
    known = tuple(activities)
    choices = ", ".join(a.singular for a in known)
    words = list(itertools.islice(_TOKEN.finditer(text), _longest_name(known)))
    if not words:
        raise InvalidCheckIn(f"Say which activity to log. Try one of: {choices}.")
    for last in reversed(words):  # the longest name wins: ``demo booked`` over ``demo``
        activity = resolve_activity(text[words[0].start() : last.end()], known)
        if activity is not None:
            return activity, text[last.end() :].strip()
    raise InvalidCheckIn(f"I don't know the activity `{echo(words[0][0])}`. Try one of: {choices}.")


def _longest_name(activities: Iterable[Activity]) -> int:
    """How many words the longest name of any of ``activities`` has (a label may have
    several: ``demo booked``)."""
    return max((len(name.split()) for a in activities for name in a.names()), default=1)


def usage(
    activity: Activity | None = None,
    *,
    max_count: int = 50,
    backdate_days: int = 7,
    max_note: int = MAX_NOTE,
) -> str:
    """The usage shown with every error (for ``/log`` when ``activity`` is None).

    Takes the same limits as :func:`parse_checkin` so the help never contradicts the
    configured rules.
    """
    if activity is None:
        syntax, example = "/log ACTIVITY", f"/log {BUILT_IN[0].singular}"
    else:
        syntax = example = activity.command
    return (
        f"Usage: `{syntax} [COUNT] [DAY] [NOTE]`\n"
        f"Examples: `{example}` · `{example} 3` · `{example} 2 yesterday Acme intro` · "
        f"`{example} mon`\n"
        f"COUNT is a whole number from 1 to {max_count} (default 1). "
        "DAY is `today` (default), `yesterday`, a weekday like `mon` (the most recent one, "
        f"today included) or `YYYY-MM-DD`, at most {days(backdate_days)} back. "
        f"NOTE is up to {max_note} characters."
    )


def read_count(token: str, max_count: int) -> int | None:
    """The count in ``token``; None when it is not a number at all (so a day or the note)."""
    if _DATE_LIKE.fullmatch(token) or not NUMBER_LIKE.fullmatch(token):
        return None
    problem = InvalidCheckIn(
        f"The count must be a whole number from 1 to {max_count} — you typed `{echo(token)}`."
    )
    if not DIGITS.fullmatch(token):
        raise problem
    # Compare lengths first: ``int()`` refuses strings over 4300 digits.
    significant = token.lstrip("0")
    if not significant or len(significant) > len(str(max_count)) or int(significant) > max_count:
        raise problem
    return int(significant)


def read_day(token: str, today: date) -> date | None:
    """The day ``token`` names; None when it is not a day at all (so the note begins)."""
    word = token.lower()
    if word in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[word])
    if word in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[word]) % 7)
    if iso := ISO_DATE.fullmatch(token):
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise InvalidCheckIn(f"`{token}` isn't a real date. Use {_DAY_FORMS}.") from None
    if _DATE_LIKE.fullmatch(token):
        raise InvalidCheckIn(f"I can't read the date `{echo(token)}`. Use {_DAY_FORMS}.")
    return None


def within_window(day: date, token: str, today: date, backdate_days: int) -> date:
    """``day`` if a rep may log it: not in the future, not before the backdating limit."""
    if day > today:
        raise InvalidCheckIn(
            f"You can't log a day in the future — `{token}` is after today ({today})."
        )
    earliest = today - timedelta(days=backdate_days)
    if day < earliest:
        raise InvalidCheckIn(
            f"You can log at most {days(backdate_days)} back (the earliest is {earliest})"
            f" — `{token}` is {days((today - day).days)} ago."
        )
    return day
