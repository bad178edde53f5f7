"""The logging modal's submitted ``view.state.values``, as Slack sends them."""

from __future__ import annotations

from typing import Any

FormValues = dict[str, dict[str, dict[str, Any]]]


def modal_values(
    activity: str | None = "meeting",
    count: str | None = "2",
    day: str | None = "2026-11-25",
    note: str | None = "Acme",
) -> FormValues:
    """A field given as None was left empty (or, for a forged request, left out)."""
    option = (
        None
        if activity is None
        else {"text": {"type": "plain_text", "text": activity.capitalize()}, "value": activity}
    )
    return {
        "activity": {"activity": {"type": "static_select", "selected_option": option}},
        "count": {"count": {"type": "number_input", "value": count}},
        "day": {"day": {"type": "datepicker", "selected_date": day}},
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }
