"""Text helpers shared by every message: escaping, dates, progress bars."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from bot.domain.goals import ActivityProgress

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
BAR_WIDTH = 10


def escape(text: str) -> str:
    """Make user-typed text inert in Slack mrkdwn.

    Slack's formatting rules: ``&``, ``<`` and ``>`` are control characters, so once
    escaped no ``<!channel>``, ``<@U…>``, ``<#C…>`` or ``<url|label>`` survives. A bare
    ``@channel`` is not a mention in an API message, but a zero-width joiner after the
    ``@`` keeps it inert even if a client or future setting were to link names.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@\u2060\\1", escaped)


MAX_ECHO = 40


def echo(typed: str) -> str:
    """Text as typed, shortened if it is too long to be worth repeating back."""
    return typed if len(typed) <= MAX_ECHO else typed[: MAX_ECHO - 1] + "…"


def day_label(day: date, today: date) -> str:
    if day == today:
        return "today"
    if (today - day).days == 1:
        return "yesterday"
    return day.strftime("%a %-d %b")


def week_label(start: date) -> str:
    return f"week of {start.strftime('%a %-d %b')}"


def bar(done: int, goal: int) -> str:
    filled = BAR_WIDTH if goal <= 0 else min(BAR_WIDTH, done * BAR_WIDTH // goal)
    return "▰" * filled + "▱" * (BAR_WIDTH - filled)


def progress_phrase(p: ActivityProgress) -> str:
    """``3 of 6 meetings · 3 to go`` — exactly what is left, never a vague 'keep going'."""
    if p.goal is None:
        return f"{p.activity.quantity(p.done)} (no goal)"
    done = f"{p.done} of {p.activity.quantity(p.goal)}"
    if p.left:
        return f"{done} · {p.left} to go"
    return f"{done} · goal met ✅"


SECTION_TEXT_LIMIT = 3000
"""Slack's limit on a section block's text."""


def pack_lines(
    lines: Iterable[str], limit: int = SECTION_TEXT_LIMIT, sep: str = "\n"
) -> list[list[str]]:
    """Group ``lines``, in order, so each group joined with ``sep`` fits in ``limit``
    characters (one section block each). A single line longer than ``limit`` is cut
    short with an ellipsis rather than breaking Slack's limit."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        extra = len(line) + (len(sep) if current else 0)
        if current and size + extra > limit:
            groups.append(current)
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        groups.append(current)
    return groups
