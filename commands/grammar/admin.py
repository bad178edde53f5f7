"""The ``/huddle`` subcommands: help, goals, away days, undo, managers, settings.

Pure functions only (no I/O, no clock), like :mod:`commands.grammar.checkin`: the handler
resolves activity names against the team's activities and passes ``today`` to
:func:`away_days`, so every rule here is testable without mocks.

Slack escapes mentions in slash command text (the manifest sets ``should_escape``), so a
person arrives as ``<@U123|alice>`` or ``<@U123>``. A plain ``@alice`` is text Slack did
not recognise as a person, and is refused rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.messages.usage import DEFAULT_EXPORT_WEEKS, MAX_EXPORT_WEEKS
from commands.grammar.tokens import (
    DIGITS,
    ISO_DATE,
    MENTION,
    NUMBER_LIKE,
    as_typed,
    days,
    echo,
)

MAX_GOAL = 1000
MAX_AWAY_DAYS = 92
"""The longest away period one command may set (about a quarter)."""

# A ``<...>`` span is one token even if its label has spaces (``<@U1|Ann Lee>``).
_TOKEN = re.compile(r"<[^>]*>|\S+")
_RANGE_WORDS = frozenset({"to", "-", "–", "—", "through", "thru"})


_ALIASES = {"goals": "goal", "managers": "manager", "setting": "settings", "?": "help"}


class InvalidCommand(ValueError):
    """A user-facing explanation of what is wrong with a ``/huddle`` command.

    Shown as is (the caller escapes it for Slack) with the usage of ``topic`` (every
    subcommand when None); nothing is changed.
    """

    def __init__(self, message: str, topic: str | None = None) -> None:
        super().__init__(message)
        self.topic = topic


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
class ShowSettings:
    pass


@dataclass(frozen=True)
class Export:
    weeks: int


HuddleCommand = (
    Help | Board | ListGoals | SetGoal | Away | Back | Undo | Manager | ShowSettings | Export
)


def parse_huddle(text: str) -> HuddleCommand:
    """Parse the text after ``/huddle`` as Slack sends it; raise :class:`InvalidCommand`
    when it is not one. Mentions are found first, in Slack's form; every other token is
    then read as typed (:func:`as_typed`), so a typed ``<@U1>`` is never a mention."""
    tokens = [token if token[0] == "<" else as_typed(token) for token in _TOKEN.findall(text)]
    if not tokens:
        return Help()
    word = tokens[0].lower()
    topic = _ALIASES.get(word, word)
    rest = tokens[1:]
    match topic:
        case "help":
            return Help()
        case "board":
            _no_more(rest, "board")
            return Board()
        case "goal":
            return _goal(rest)
        case "away":
            return _away(rest)
        case "back":
            user_id, others = _one_mention(rest, "back")
            _no_more(others, "back")
            return Back(user_id)
        case "undo":
            _no_more(rest, "undo")
            return Undo()
        case "manager":
            return _manager(rest)
        case "settings":
            _no_more(rest, "settings")
            return ShowSettings()
        case "export":
            return _export(rest)
    raise InvalidCommand(f"I don't know `/huddle {echo(tokens[0])}`.")


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
    user_id, rest = _one_mention(tokens, "goal")
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
    target = _whole_number(token, MAX_GOAL)
    if target is None:
        raise InvalidCommand(
            f"A goal is a whole number from 1 to {MAX_GOAL}, or `off` to remove it — "
            f"you typed `{echo(token)}`.",
            "goal",
        )
    return target


def _whole_number(token: str, maximum: int) -> int | None:
    """``token`` as a whole number from 1 to ``maximum`` (ASCII digits only), else None."""
    significant = token.lstrip("0")
    if (
        not DIGITS.fullmatch(token)
        or not significant
        or len(significant) > len(str(maximum))  # before int(): it refuses 4300+ digits
        or int(significant) > maximum
    ):
        return None
    return int(significant)


def _is_target_like(token: str) -> bool:
    return token.lower() == "off" or NUMBER_LIKE.fullmatch(token) is not None


def _away(tokens: list[str]) -> Away:
    user_id, rest = _one_mention(tokens, "away")
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
    if iso := ISO_DATE.fullmatch(token):
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise InvalidCommand(f"`{token}` isn't a real date.", "away") from None
    raise InvalidCommand(
        f"I can't read the date `{echo(token)}`. Use YYYY-MM-DD, e.g. 2026-12-01.", "away"
    )


def _manager(tokens: list[str]) -> Manager:
    action = tokens[0].lower() if tokens else ""
    if action not in ("add", "remove"):
        raise InvalidCommand(
            "Say `add` or `remove` and the person, e.g. `/huddle manager add @alice`.", "manager"
        )
    user_id, rest = _one_mention(tokens[1:], "manager")
    _no_more(rest, "manager")
    if user_id is None:
        raise InvalidCommand(
            f"Say who, e.g. `/huddle manager {action} @alice` (pick them from Slack's list).",
            "manager",
        )
    return Manager(action == "add", user_id)


def _export(tokens: list[str]) -> Export:
    if not tokens:
        return Export(DEFAULT_EXPORT_WEEKS)
    _no_more(tokens[1:], "export")
    weeks = _whole_number(tokens[0], MAX_EXPORT_WEEKS)
    if weeks is None:
        raise InvalidCommand(
            f"Say how many weeks to export: a whole number from 1 to {MAX_EXPORT_WEEKS} "
            f"(this week counts as one) — you typed `{echo(tokens[0])}`.",
            "export",
        )
    return Export(weeks)


def _one_mention(tokens: list[str], topic: str) -> tuple[str | None, list[str]]:
    """The one person mentioned anywhere in ``tokens`` (or None), and the other tokens."""
    found: list[str] = []
    rest: list[str] = []
    for token in tokens:
        if mention := MENTION.fullmatch(token):
            found.append(mention[1])
        elif token.startswith("@") and len(token) > 1:
            raise InvalidCommand(
                f"I can't tell who `{echo(token)}` is. Pick the person from the list Slack "
                "shows when you type @.",
                topic,
            )
        elif token.startswith("<") and token.endswith(">"):
            raise InvalidCommand(f"`{echo(token)}` isn't a person.", topic)
        else:
            rest.append(token)
    if len(set(found)) > 1:
        raise InvalidCommand("One person at a time, please.", topic)
    return (found[0] if found else None), rest


def _no_more(tokens: list[str], topic: str) -> None:
    if tokens:
        raise InvalidCommand(
            f"`/huddle {topic}` takes nothing more — you added `{echo(' '.join(tokens))}`.",
            topic,
        )
