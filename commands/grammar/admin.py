"""The ``/huddle`` subcommands: help, goals, away days, undo, managers, export, and
(from :mod:`commands.grammar.team_admin`) setup, settings, activities and the roster.

Pure functions only (no I/O, no clock), like :mod:`commands.grammar.checkin`: the handler
resolves activity names against the team's activities and passes ``today`` to
:func:`away_days`, so every rule here is testable without mocks. How people, channels
and quoted names are written: :mod:`commands.grammar.arguments`.

A ``#channel`` anywhere in a command (:func:`parse_scoped`) means "act on the team of
that channel" rather than the one it was typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.messages.usage import DEFAULT_EXPORT_WEEKS, MAX_EXPORT_WEEKS
from commands.grammar import team_admin
from commands.grammar.arguments import InvalidCommand as InvalidCommand
from commands.grammar.arguments import (
    add_or_remove_person,
    iso_date,
    no_more,
    one_mention,
    take_channel,
    tokens,
    whole_number,
)
from commands.grammar.team_admin import (
    AddActivity,
    ChangeHolidays,
    ChangeSetting,
    ListActivities,
    ListHolidays,
    RemoveActivity,
    RosterChange,
    Setup,
)
from commands.grammar.team_admin import ShowSettings as ShowSettings
from commands.grammar.tokens import NUMBER_LIKE, days, echo

MAX_GOAL = 1000
MAX_AWAY_DAYS = 92
"""The longest away period one command may set (about a quarter)."""

_RANGE_WORDS = frozenset({"to", "-", "–", "—", "through", "thru"})


_ALIASES = {
    "goals": "goal",
    "managers": "manager",
    "setting": "settings",
    "activities": "activity",
    "reps": "rep",
    "holidays": "holiday",
    "?": "help",
}


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class ListGoals:
    pass


@dataclass(frozen=True)
class SetGoal:
    """``user_id`` None is the team's goal; ``target`` None switches the goal off."""

    user_id: str | None
    activity_name: str
    target: int | None


@dataclass(frozen=True)
class Away:
    """``first`` None means "from today" (``/huddle away until LAST``)."""

    user_id: str | None
    first: date | None
    last: date


@dataclass(frozen=True)
class Back:
    user_id: str | None


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class Board:
    pass


@dataclass(frozen=True)
class Manager:
    add: bool
    user_id: str


@dataclass(frozen=True)
class Export:
    weeks: int


HuddleCommand = (
    Help
    | Board
    | ListGoals
    | SetGoal
    | Away
    | Back
    | Undo
    | Manager
    | ShowSettings
    | ChangeSetting
    | Export
    | Setup
    | ListActivities
    | AddActivity
    | RemoveActivity
    | RosterChange
    | ListHolidays
    | ChangeHolidays
)


@dataclass(frozen=True)
class Scoped:
    """A command and the team it is for: ``channel`` None is the team of the channel it
    was typed in (or, typed elsewhere, the caller's one team)."""

    command: HuddleCommand
    channel: str | None


def parse_scoped(text: str) -> Scoped:
    """Parse the text after ``/huddle`` as Slack sends it, with a ``#channel`` anywhere
    in it naming the team; raise :class:`InvalidCommand` when it is not a command."""
    channel, words = take_channel(tokens(text))
    return Scoped(_parse(words), channel)


def parse_huddle(text: str) -> HuddleCommand:
    """Parse the text after ``/huddle`` as Slack sends it (a ``#channel`` in it is
    refused: see :func:`parse_scoped`); raise :class:`InvalidCommand` when it is not a
    command."""
    return _parse(tokens(text))


def _parse(words: list[str]) -> HuddleCommand:
    if not words:
        return Help()
    word = words[0].lower()
    topic = _ALIASES.get(word, word)
    rest = words[1:]
    match topic:
        case "help":
            return Help()
        case "board":
            no_more(rest, "board")
            return Board()
        case "goal":
            return _goal(rest)
        case "away":
            return _away(rest)
        case "back":
            user_id, others = one_mention(rest, "back")
            no_more(others, "back")
            return Back(user_id)
        case "undo":
            no_more(rest, "undo")
            return Undo()
        case "manager":
            return _manager(rest)
        case "settings":
            return team_admin.settings(rest)
        case "export":
            return _export(rest)
        case "setup":
            return team_admin.setup(rest)
        case "activity":
            return team_admin.activity(rest)
        case "rep":
            return team_admin.rep(rest)
        case "holiday":
            return team_admin.holiday(rest)
    raise InvalidCommand(f"I don't know `/huddle {echo(words[0])}`.")


def away_days(command: Away, *, today: date, backdate_days: int) -> tuple[date, date]:
    """The first and last day of ``command``, checked against ``today``: not starting
    more than ``backdate_days`` ago, and at most :data:`MAX_AWAY_DAYS` long."""
    first = today if command.first is None else command.first
    last = command.last
    if command.first is None and last < today:
        raise InvalidCommand(f"{last} is already past; say the last day you'll be away.", "away")
    _check_span(first, last)
    earliest = today - timedelta(days=backdate_days)
    if first < earliest:
        raise InvalidCommand(
            f"An away period can start at most {days(backdate_days)} back (the earliest is "
            f"{earliest}); {first} is {days((today - first).days)} ago.",
            "away",
        )
    return first, last


def _goal(tokens: list[str]) -> HuddleCommand:
    if not tokens:
        return ListGoals()
    user_id, rest = one_mention(tokens, "goal")
    example = "`/huddle goal @alice meetings 8`" if user_id else "`/huddle goal meetings 6`"
    if not rest:
        raise InvalidCommand(f"Say which activity and the weekly target, e.g. {example}.", "goal")
    if len(rest) == 1:
        if _is_target_like(rest[0]):
            raise InvalidCommand(f"Say which activity that goal is for, e.g. {example}.", "goal")
        raise InvalidCommand(
            f"Say the weekly target for `{echo(rest[0])}`: a whole number from 1 to "
            f"{MAX_GOAL}, or `off`, e.g. {example}.",
            "goal",
        )
    if len(rest) > 2:
        raise InvalidCommand(
            f"That's more than an activity and a target: `{echo(' '.join(rest))}`. Try {example}.",
            "goal",
        )
    activity, target = rest
    if not _is_target_like(target) and _is_target_like(activity):
        activity, target = target, activity  # ``/huddle goal 6 meetings`` reads fine too
    return SetGoal(user_id, activity, _target(target))


def _target(token: str) -> int | None:
    if token.lower() == "off":
        return None
    target = whole_number(token, MAX_GOAL)
    if target is None:
        raise InvalidCommand(
            f"A goal is a whole number from 1 to {MAX_GOAL}, or `off` to remove it — "
            f"you typed `{echo(token)}`.",
            "goal",
        )
    return target


def _is_target_like(token: str) -> bool:
    return token.lower() == "off" or NUMBER_LIKE.fullmatch(token) is not None


def _away(tokens: list[str]) -> Away:
    user_id, rest = one_mention(tokens, "away")
    if not rest:
        raise InvalidCommand(
            "Say when: `/huddle away 2026-12-01 2026-12-05` (first and last day) or "
            "`/huddle away until 2026-12-05`.",
            "away",
        )
    if rest[0].lower() == "until":
        if len(rest) != 2:
            raise InvalidCommand(
                "Say the last day you'll be away, e.g. `/huddle away until 2026-12-05`.", "away"
            )
        return Away(user_id, None, _date(rest[1]))
    if len(rest) == 3 and rest[1].lower() in _RANGE_WORDS:
        rest = [rest[0], rest[2]]
    if len(rest) > 2:
        raise InvalidCommand(
            f"An away period is a first and a last day — `{echo(' '.join(rest))}` is more "
            "than that.",
            "away",
        )
    first = _date(rest[0])
    last = _date(rest[1]) if len(rest) == 2 else first
    _check_span(first, last)
    return Away(user_id, first, last)


def _check_span(first: date, last: date) -> None:
    if last < first:
        raise InvalidCommand(f"The last day ({last}) is before the first ({first}).", "away")
    length = (last - first).days + 1
    if length > MAX_AWAY_DAYS:
        raise InvalidCommand(
            f"{first} to {last} is {days(length)}; one away period can be at most "
            f"{MAX_AWAY_DAYS} days. Add a longer absence in parts.",
            "away",
        )


def _date(token: str) -> date:
    return iso_date(token, "away")


def _manager(words: list[str]) -> Manager:
    add, user_id = add_or_remove_person(words, "manager")
    return Manager(add, user_id)


def _export(tokens: list[str]) -> Export:
    if not tokens:
        return Export(DEFAULT_EXPORT_WEEKS)
    no_more(tokens[1:], "export")
    weeks = whole_number(tokens[0], MAX_EXPORT_WEEKS)
    if weeks is None:
        raise InvalidCommand(
            f"Say how many weeks to export: a whole number from 1 to {MAX_EXPORT_WEEKS} "
            f"(this week counts as one) — you typed `{echo(tokens[0])}`.",
            "export",
        )
    return Export(weeks)
