"""The team's check-in lines, several to a message when they come faster than Slack
lets an app post in one channel (about one message a second).

Each line is its own section whose ``block_id`` names the check-in, so undoing one
strikes through that line and leaves the others in the message as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Block, Message
from bot.messages.blocks import MAX_BLOCKS
from bot.messages.weekly import MESSAGE_TEXT_BUDGET, text_size

Line = tuple[int, Message]
"""A check-in's id and its one-line announcement (``messages.checkin.announcement``)."""


def block_id(checkin_id: int) -> str:
    return f"checkin-{checkin_id}"


def _named(checkin_id: int, message: Message) -> list[Block]:
    return [{**block, "block_id": block_id(checkin_id)} for block in message["blocks"]]


def _joined(blocks: Sequence[Block], texts: Sequence[str]) -> Message:
    return {"text": "\n".join(texts), "blocks": list(blocks)}


def grouped(lines: Sequence[Line]) -> list[tuple[list[int], Message]]:
    """As few messages as Slack's limits allow (50 blocks, the text budget), in order;
    each with the check-ins it carries."""
    groups: list[tuple[list[int], list[Block], list[str]]] = []
    size = 0
    for checkin_id, message in lines:
        blocks = _named(checkin_id, message)
        added = text_size(blocks)
        if (
            not groups
            or len(groups[-1][1]) + len(blocks) > MAX_BLOCKS
            or size + added > MESSAGE_TEXT_BUDGET
        ):
            groups.append(([], [], []))
            size = 0
        ids, group_blocks, texts = groups[-1]
        ids.append(checkin_id)
        group_blocks.extend(blocks)
        texts.append(message["text"])
        size += added
    return [(ids, _joined(blocks, texts)) for ids, blocks, texts in groups]


def replace_line(posted: Sequence[Block], checkin_id: int, line: Message) -> Message | None:
    """The posted message with one check-in's line swapped for ``line``; None when
    that line is not in it."""
    name = block_id(checkin_id)
    if not any(block.get("block_id") == name for block in posted):
        return None
    blocks: list[Block] = []
    for block in posted:
        blocks += _named(checkin_id, line) if block.get("block_id") == name else [block]
    texts = [block["text"]["text"] for block in blocks if block.get("type") == "section"]
    return _joined(blocks, texts)
