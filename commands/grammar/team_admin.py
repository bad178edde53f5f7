"""The ``/huddle`` subcommands that shape a team: ``setup``, ``settings``, ``activity``,
``rep`` and ``holiday``.

Pure, like the rest of the grammar: a value is read and validated here (a setting by
the same parser as its ``HUDDLE_*`` variable, an activity's key and names by
:mod:`bot.domain.activities`), so a handler only has to apply what it is given; what
depends on the team (is the key known, is the limit reached, does the new nudge still
come before the summary) is the handler's to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain.activities import new_activity
from bot.domain.team_calendar import MAX_HOLIDAY_NAME
from bot.domain.team_settings import TEAM_SETTINGS, parse_setting
from commands.grammar.arguments import (
    InvalidCommand,
    add_or_remove_person,
    iso_date,
    no_more,
    unquoted,
)
from commands.grammar.tokens import echo

_ADD_EXAMPLE = '`/huddle activity add demo "demo booked" "demos booked"`'


@dataclass(frozen=True)
class Setup:
    """Make the channel a team, with the caller as its first manager."""


@dataclass(frozen=True)
class ShowSettings:
    pass


@dataclass(frozen=True)
class ChangeSetting:
    """``value`` is what :func:`bot.domain.team_settings.parse_setting` read for ``word``;
    apply it with :func:`bot.domain.team_settings.with_setting`."""

    word: str
    value: Any


@dataclass(frozen=True)
class ListActivities:
    pass


@dataclass(frozen=True)
class AddActivity:
    """Add ``key``, or bring it back if retired. A name None keeps the one it had, or
    for a new key defaults (:func:`bot.domain.activities.new_activity`)."""

    key: str
    singular: str | None
    plural: str | None


@dataclass(frozen=True)
class RemoveActivity:
    """Retire the activity ``name`` means: its key or a label, as typed (match it with
    :func:`bot.domain.activities.resolve_activity`)."""

    name: str


@dataclass(frozen=True)
class RosterChange:
    """Put ``user_id`` on the team's roster (``on_roster``) or take them off it."""

    user_id: str
    on_roster: bool


@dataclass(frozen=True)
class ListHolidays:
    """The team's holidays this year."""


@dataclass(frozen=True)
class ChangeHolidays:
    """Make ``first``..``last`` (both included) holidays named ``name`` (None: the
    public name, or a plain one), or with ``add`` False working days again."""

    add: bool
    first: date
    last: date
    name: str | None = None

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


MAX_HOLIDAY_SPAN = 31
"""The most days one ``holiday add|remove`` may cover (a long shutdown in parts)."""
_HOLIDAY_EXAMPLE = "`/huddle holiday add 2026-12-24 2026-12-26 Christmas`"


def setup(words: list[str]) -> Setup:
    no_more(words, "setup")
    return Setup()


def settings(words: list[str]) -> ShowSettings | ChangeSetting:
    """``settings`` alone shows them; ``settings WORD VALUE...`` changes one."""
    if not words:
        return ShowSettings()
    word = words[0].lower()
    setting = TEAM_SETTINGS.get(word)
    if setting is None:
        raise InvalidCommand(
            f"I don't know the setting `{echo(words[0])}`. You can change: "
            f"{', '.join(TEAM_SETTINGS)}.",
            "settings",
        )
    if len(words) == 1:
        raise InvalidCommand(
            f"Say the new value, e.g. `/huddle settings {word} {setting.default}`.", "settings"
        )
    try:
        value = parse_setting(word, " ".join(words[1:]))
    except ValueError as err:
        raise InvalidCommand(f"`{word}`: {err}", "settings") from None
    return ChangeSetting(word, value)


def activity(words: list[str]) -> ListActivities | AddActivity | RemoveActivity:
    """``activity [list]``, ``activity add KEY ["SINGULAR" ["PLURAL"]]``,
    ``activity remove KEY``. A name of several words goes in double quotes (straight or
    curly); the key is read in any case."""
    action = words[0].lower() if words else "list"
    if action == "list":
        no_more(words[1:], "activity")
        return ListActivities()
    if action not in ("add", "remove"):
        raise InvalidCommand(f"Say `list`, `add` or `remove`, e.g. {_ADD_EXAMPLE}.", "activity")
    if len(words) < 2:
        raise InvalidCommand(
            f"Say which activity, e.g. `/huddle activity {action} demo`.", "activity"
        )
    if action == "remove":
        no_more(words[2:], "activity")
        return RemoveActivity(unquoted(words[1], "activity"))
    key = words[1].lower()
    names = [unquoted(word, "activity") for word in words[2:]]
    if len(names) > 2:
        raise InvalidCommand(
            "That's more than a singular and a plural name; put a name of several words in "
            f"quotes, e.g. {_ADD_EXAMPLE}.",
            "activity",
        )
    singular = names[0] if names else None
    plural = names[1] if len(names) == 2 else None
    try:
        checked = new_activity(key, singular, plural)
    except ValueError as err:
        raise InvalidCommand(str(err), "activity") from None
    return AddActivity(
        key,
        None if singular is None else checked.singular,
        None if plural is None else checked.plural,
    )


def rep(words: list[str]) -> RosterChange:
    on_roster, user_id = add_or_remove_person(words, "rep")
    return RosterChange(user_id, on_roster)


def holiday(words: list[str]) -> ListHolidays | ChangeHolidays:
    """``holiday [list]``, ``holiday add FIRST [LAST] [NAME…]``, ``holiday remove FIRST
    [LAST]``; days are YYYY-MM-DD, a name may be several words (or quoted)."""
    action = words[0].lower() if words else "list"
    if action == "list":
        no_more(words[1:], "holiday")
        return ListHolidays()
    if action not in ("add", "remove"):
        raise InvalidCommand(f"Say `list`, `add` or `remove`, e.g. {_HOLIDAY_EXAMPLE}.", "holiday")
    rest = words[1:]
    if not rest:
        raise InvalidCommand(
            f"Say which day, e.g. `/huddle holiday {action} 2026-12-24`.", "holiday"
        )
    first = iso_date(rest[0], "holiday")
    last = first
    if len(rest) > 1 and rest[1][:1].isdigit():
        last = iso_date(rest[1], "holiday")
        rest = rest[1:]
    if last < first:
        raise InvalidCommand(f"The last day ({last}) is before the first ({first}).", "holiday")
    if (last - first).days + 1 > MAX_HOLIDAY_SPAN:
        raise InvalidCommand(
            f"{first} to {last} is more than {MAX_HOLIDAY_SPAN} days; add a longer closure "
            "in parts.",
            "holiday",
        )
    name_words = [unquoted(word, "holiday") for word in rest[1:]]
    if action == "remove":
        no_more(name_words, "holiday")
        return ChangeHolidays(False, first, last)
    name = " ".join(" ".join(name_words).split()) or None
    if name is not None and len(name) > MAX_HOLIDAY_NAME:
        raise InvalidCommand(
            f"That name is {len(name)} characters; keep it to {MAX_HOLIDAY_NAME}.", "holiday"
        )
    return ChangeHolidays(True, first, last, name)
