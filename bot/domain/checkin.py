"""A check-in as a value: what the rep logged, before or after it is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from bot.domain.activities import Activity


@dataclass(frozen=True)
class Logged:
    """A check-in as the rep typed it, plus where it landed."""

    user_id: str
    activity: Activity
    count: int
    day: date
    note: str

    def to_value(self) -> str:
        """The button value that lets **Log it again** replay exactly this check-in."""
        return json.dumps(
            {
                "u": self.user_id,
                "a": self.activity.key,
                "c": self.count,
                "d": self.day.isoformat(),
                "n": self.note,
            },
            separators=(",", ":"),
        )
