"""What every ``/huddle`` subcommand's arguments are made of: tokens, a person, a
``#channel``, a quoted name, and the error that explains a mistake.

Slack escapes mentions in slash command text (the manifest sets ``should_escape``), so a
person arrives as ``<@U123|alice>`` and a channel as ``<#C123|sales>``. A plain
``@alice`` or ``#sales`` is text Slack did not recognise, and is refused rather than
guessed at.
"""

from __future__ import annotations

import re
from datetime import date

from commands.grammar.tokens import CHANNEL, DIGITS, ISO_DATE, MENTION, as_typed, echo

# A ``<...>`` span is one token even if its label has spaces (``<@U1|Ann Lee>``), and so
# is a name in straight or curly double quotes (``"demo booked"``, ``“demo booked”``).
_TOKEN = re.compile(r"<[^>]*>|[\"“”][^\"“”]*[\"“”]|\S+")
QUOTES = '"“”'


class InvalidCommand(ValueError):
    """A user-facing explanation of what is wrong with a ``/huddle`` command.

    Shown as is (the caller escapes it for Slack) with the usage of ``topic`` (every
    subcommand when None); nothing is changed.
    """

    def __init__(self, message: str, topic: str | None = None) -> None:
        super().__init__(message)
        self.topic = topic


def tokens(text: str) -> list[str]:
    """The words of ``text`` as Slack sends it. Mentions are found first, in Slack's
    form; every other token is then read as typed (:func:`as_typed`), so a typed
    ``<@U1>`` is never a mention."""
    return [token if token[0] == "<" else as_typed(token) for token in _TOKEN.findall(text)]


def take_channel(words: list[str]) -> tuple[str | None, list[str]]:
    """The one ``#channel`` named anywhere in ``words`` (or None), and the other words."""
    found: list[str] = []
    rest: list[str] = []
    for word in words:
        if channel := CHANNEL.fullmatch(word):
            found.append(channel[1])
        elif word.startswith("#") and len(word) > 1:
            raise InvalidCommand(
                f"I can't tell which channel `{echo(word)}` is. Pick it from the list Slack "
                "shows when you type #."
            )
        else:
            rest.append(word)
    if len(set(found)) > 1:
        raise InvalidCommand("One channel at a time, please.")
    return (found[0] if found else None), rest


def one_mention(words: list[str], topic: str) -> tuple[str | None, list[str]]:
    """The one person mentioned anywhere in ``words`` (or None), and the other words."""
    found: list[str] = []
    rest: list[str] = []
    for word in words:
        if mention := MENTION.fullmatch(word):
            found.append(mention[1])
        elif word.startswith("@") and len(word) > 1:
            raise InvalidCommand(
                f"I can't tell who `{echo(word)}` is. Pick the person from the list Slack "
                "shows when you type @.",
                topic,
            )
        elif word.startswith("<") and word.endswith(">"):
            raise InvalidCommand(f"`{echo(word)}` isn't a person.", topic)
        else:
            rest.append(word)
    if len(set(found)) > 1:
        raise InvalidCommand("One person at a time, please.", topic)
    return (found[0] if found else None), rest


def add_or_remove_person(words: list[str], topic: str) -> tuple[bool, str]:
    """``add @user`` or ``remove @user`` (``True`` for add), e.g. for ``manager``."""
    action = words[0].lower() if words else ""
    if action not in ("add", "remove"):
        raise InvalidCommand(
            f"Say `add` or `remove` and the person, e.g. `/huddle {topic} add @alice`.", topic
        )
    user_id, rest = one_mention(words[1:], topic)
    no_more(rest, topic)
    if user_id is None:
        raise InvalidCommand(
            f"Say who, e.g. `/huddle {topic} {action} @alice` (pick them from Slack's list).",
            topic,
        )
    return action == "add", user_id


def unquoted(word: str, topic: str) -> str:
    """``word`` without the double quotes around it (straight or curly), if any."""
    if not word or word[0] not in QUOTES:
        return word
    if len(word) < 2 or word[-1] not in QUOTES:
        raise InvalidCommand(f"`{echo(word)}` opens a quote that doesn't close.", topic)
    return word[1:-1]


def whole_number(word: str, maximum: int) -> int | None:
    """``word`` as a whole number from 1 to ``maximum`` (ASCII digits only), else None."""
    significant = word.lstrip("0")
    if (
        not DIGITS.fullmatch(word)
        or not significant
        or len(significant) > len(str(maximum))  # before int(): it refuses 4300+ digits
        or int(significant) > maximum
    ):
        return None
    return int(significant)


def no_more(words: list[str], topic: str) -> None:
    if words:
        raise InvalidCommand(
            f"`/huddle {topic}` takes nothing more — you added `{echo(' '.join(words))}`.",
            topic,
        )


def iso_date(token: str, topic: str) -> date:
    """A day typed as YYYY-MM-DD, or InvalidCommand saying how to write one."""
    if iso := ISO_DATE.fullmatch(token):
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise InvalidCommand(f"`{token}` isn't a real date.", topic) from None
    raise InvalidCommand(
        f"I can't read the date `{echo(token)}`. Use YYYY-MM-DD, e.g. 2026-12-01.", topic
    )
