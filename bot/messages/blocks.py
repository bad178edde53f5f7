"""The Block Kit pieces every builder uses, and Slack's limits on a message."""

from __future__ import annotations

from collections.abc import Iterable

from bot.messages import Block
from bot.messages.text import pack_lines

MAX_BLOCKS = 50
"""Slack refuses a message with more blocks than this."""
HEADER_LIMIT = 150
"""Slack's limit on a header block's plain text."""
BROKEN_BUTTON = "That button is broken."
"""The answer to a button whose value does not parse: nothing is done."""


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def header(text: str) -> Block:
    """A header, cut short with an ellipsis rather than breaking Slack's limit."""
    if len(text) > HEADER_LIMIT:
        text = text[: HEADER_LIMIT - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def sections(lines: Iterable[str], sep: str = "\n") -> list[Block]:
    """``lines`` in as few section blocks as Slack's per-section limit allows."""
    return [section(sep.join(group)) for group in pack_lines(lines, sep=sep)]
