"""Reading the logging modal's submission: the same rules as the slash commands.

Pure (no I/O, no clock): the caller passes ``today`` in the rep's timezone. Every
field is checked, not only the first wrong one, so the rep sees each problem beside
its field at once (``response_action: errors``); nothing is stored until all pass.
Slack's inputs already limit what can be typed, but a submission is just a request:
each value is checked again here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.activities import Activity
from bot.messages.log_modal import ACTIVITY, COUNT, DAY, NOTE
from commands.grammar.checkin import (
    MAX_NOTE,
    InvalidCheckIn,
    checked_note,
    read_count,
    read_day,
    within_window,
)


@dataclass(frozen=True)
class LogForm:
    activity: Activity
    count: int
    day: date
    note: str


class FormErrors(Exception):
    """Field (block id) → what is wrong with it, in words for the rep."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _value(values: Mapping[str, Any], field: str) -> dict[str, Any]:
    found = (values.get(field) or {}).get(field)
    return found if isinstance(found, dict) else {}


def read_log_form(
    values: Mapping[str, Any],
    activities: Sequence[Activity],
    *,
    today: date,
    max_count: int,
    backdate_days: int,
    max_note: int = MAX_NOTE,
) -> LogForm:
    """``values`` is the submitted ``view.state.values``."""
    errors: dict[str, str] = {}
    option = _value(values, ACTIVITY).get("selected_option") or {}
    activity = next((a for a in activities if a.key == option.get("value")), None)
    if activity is None:
        errors[ACTIVITY] = "Pick an activity."

    typed = str(_value(values, COUNT).get("value") or "").strip()
    count = None
    try:
        count = read_count(typed, max_count)
        if count is None:
            errors[COUNT] = f"Enter a whole number from 1 to {max_count}."
    except InvalidCheckIn as invalid:
        errors[COUNT] = _plain(invalid)

    picked = _value(values, DAY).get("selected_date")
    day = None
    try:
        day = read_day(str(picked or ""), today)
        if day is None:
            errors[DAY] = "Pick the day it happened."
        else:
            day = within_window(day, day.isoformat(), today, backdate_days)
    except InvalidCheckIn as invalid:
        errors[DAY] = _plain(invalid)

    note = str(_value(values, NOTE).get("value") or "").strip()
    try:
        note = checked_note(note, max_note)
    except InvalidCheckIn as invalid:
        errors[NOTE] = _plain(invalid)

    if errors or activity is None or count is None or day is None:
        raise FormErrors(errors)
    return LogForm(activity, count, day, note)


def _plain(invalid: InvalidCheckIn) -> str:
    """Field errors are plain text: the backticks of the slash-command wording go."""
    return str(invalid).replace("`", "")
