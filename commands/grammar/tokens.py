"""The tokens every grammar shares: counts, dates, mentions, and how a bad token is
repeated back to the person who typed it."""

from __future__ import annotations

import re

from bot.messages.text import echo as echo

DIGITS = re.compile(r"[0-9]+")
"""A count is ASCII digits only: ``int()`` would also accept ``٣`` or ``1_0``."""
NUMBER_LIKE = re.compile(r"[+\-−]?\d+(?:[.,]\d*)*")
"""Anything a person might type meaning a number: signs, decimals, thousands, non-ASCII
digits. ``3M`` or ``2x`` do not match, so they read as a note (``/logmeeting 3M renewal``)."""
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
"""A person as Slack escapes them in command text: ``<@U123|alice>`` or ``<@U123>``."""
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
"""A channel as Slack escapes it in command text: ``<#C123|sales>`` or ``<#C123>``."""
_SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
_TYPED = {"amp": "&", "lt": "<", "gt": ">"}


def as_typed(text: str) -> str:
    """Slash-command text as the person typed it. Slack sends ``&``, ``<`` and ``>``
    as ``&amp;``, ``&lt;`` and ``&gt;`` (the ``<@U…>`` spans it writes itself are the
    only real ``<``); exactly those three are decoded, in one pass, so a typed
    ``&lt;`` (sent as ``&amp;lt;``) stays ``&lt;``. Modal input arrives unescaped."""
    return _SLACK_ENTITY.sub(lambda entity: _TYPED[entity[1]], text)


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
