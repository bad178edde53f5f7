"""The activities reps log, and how a typed name maps onto one of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Activity:
    """One kind of leading indicator a rep can check in."""

    key: str
    singular: str
    plural: str

    @property
    def command(self) -> str:
        return f"/log{self.key}"

    def quantity(self, count: int) -> str:
        """``1 meeting``, ``3 meetings``: how a count reads in a sentence."""
        return f"{count} {self.singular if count == 1 else self.plural}"

    def names(self) -> set[str]:
        """Every spelling a rep may type for this activity, lower-cased."""
        spellings = {self.key, self.singular, self.plural}
        return {s.lower() for s in spellings} | {s.lower().replace("-", "") for s in spellings}


BUILT_IN: tuple[Activity, ...] = (
    Activity("meeting", "meeting", "meetings"),
    Activity("call", "call", "calls"),
    Activity("followup", "follow-up", "follow-ups"),
    Activity("referral", "referral", "referrals"),
)


def resolve_activity(name: str, activities: Iterable[Activity] = BUILT_IN) -> Activity | None:
    """Match a typed name, singular or plural and in any case, to an activity."""
    wanted = name.strip().lower()
    return next((a for a in activities if wanted in a.names()), None)
