"""The logging modal the App Home's buttons open: activity, count, day and note.

Slack's date picker cannot be limited to a range, so the day is checked when the form
is submitted (:mod:`commands.grammar.log_form`) and the hint says what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.activities import Activity
from bot.messages import Block, Message

LOG_MODAL = "log_modal"
ACTIVITY, COUNT, DAY, NOTE = "activity", "count", "day", "note"
"""Block ids of the four inputs; each input's action_id is the same word."""
MAX_OPTIONS = 100
"""Slack's limit on a static select's options."""


def _option(activity: Activity) -> Block:
    return {
        "text": {"type": "plain_text", "text": activity.plural.capitalize()[:75]},
        "value": activity.key,
    }


def _input(block_id: str, label: str, element: Block, *, hint: str | None = None) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": block_id},
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def log_modal(
    activities: Sequence[Activity],
    selected: Activity | None,
    today: date,
    *,
    max_count: int,
    backdate_days: int,
    max_note: int,
) -> Message:
    """``today`` is the rep's, in their timezone: the day the picker starts on."""
    select: Block = {
        "type": "static_select",
        "options": [_option(a) for a in activities[:MAX_OPTIONS]],
    }
    if selected is not None:
        select["initial_option"] = _option(selected)
    back = "today only" if backdate_days == 0 else f"today or up to {backdate_days} days back"
    return {
        "type": "modal",
        "callback_id": LOG_MODAL,
        "title": {"type": "plain_text", "text": "Log activity"},
        "submit": {"type": "plain_text", "text": "Log it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input(ACTIVITY, "Activity", select),
            _input(
                COUNT,
                "How many",
                {
                    "type": "number_input",
                    "is_decimal_allowed": False,
                    "initial_value": "1",
                    "min_value": "1",
                    "max_value": str(max_count),
                },
                hint=f"A whole number from 1 to {max_count}.",
            ),
            _input(
                DAY,
                "Day",
                {"type": "datepicker", "initial_date": today.isoformat()},
                hint=f"Not in the future: {back}.",
            ),
            {
                **_input(
                    NOTE,
                    "Note",
                    {"type": "plain_text_input", "max_length": max_note},
                    hint="Optional, e.g. who the meeting is with. Your team sees it.",
                ),
                "optional": True,
            },
        ],
    }
