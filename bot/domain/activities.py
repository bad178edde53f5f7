"""The activities reps log, how a typed name maps onto one of them, and what a team's
own (custom) activity may be called.

Custom keys and labels are checked here, purely, so the grammar and the handlers share
one set of rules; the messages are for the manager who typed them.
"""

from __future__ import annotations

import re
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
    """Match a typed name to an activity: its key, singular or plural label, in any
    case, with any run of spaces (``Demo  Booked``) and hyphens optional
    (``followups``)."""
    wanted = " ".join(name.split()).lower()
    return next((a for a in activities if wanted in a.names()), None)


MAX_ACTIVE_ACTIVITIES = 10
"""A team counts at most this many activities at once, so every message, view and
button row (the nudge's log buttons, the modal's options) stays within Slack's limits."""
MAX_KEY = 20
MAX_LABEL = 30
_KEY = re.compile(r"[a-z][a-z0-9]*")


def validate_key(key: str) -> str:
    """``key`` if it can name a new activity: lower-case letters and digits, 1 to
    :data:`MAX_KEY` long, starting with a letter (so ``/huddle goal 6 demo`` cannot
    mistake it for a target, nor ``/log`` for a count)."""
    if not key:
        raise ValueError("An activity needs a key, e.g. `demo`.")
    if len(key) > MAX_KEY:
        raise ValueError(
            f"An activity's key is at most {MAX_KEY} characters; that one has {len(key)}."
        )
    if not _KEY.fullmatch(key):
        raise ValueError(
            f"An activity's key is lower-case letters and digits, starting with a letter, "
            f"e.g. `demo` or `demo2` — not `{key}`."
        )
    return key


def validate_label(label: str) -> str:
    """``label`` tidied (runs of spaces made one) if it can name an activity in a
    sentence: one line of 1 to :data:`MAX_LABEL` printable characters, without ``<`` or
    ``>`` (nothing that could pass for a Slack mention or link)."""
    if "\n" in label or "\r" in label:
        raise ValueError("An activity's name is one line.")
    tidy = " ".join(label.split())
    if not tidy:
        raise ValueError("An activity's name can't be empty.")
    if len(tidy) > MAX_LABEL:
        raise ValueError(
            f"An activity's name is at most {MAX_LABEL} characters; "
            f"`{tidy[:MAX_LABEL]}…` is longer."
        )
    if "<" in tidy or ">" in tidy:
        raise ValueError("An activity's name can't contain `<` or `>`.")
    if not tidy.isprintable():
        raise ValueError("An activity's name can only hold printable characters.")
    return tidy


def new_activity(key: str, singular: str | None = None, plural: str | None = None) -> Activity:
    """A custom activity, each part validated; the singular defaults to the key and the
    plural to the singular + "s"."""
    key = validate_key(key)
    one = validate_label(key if singular is None else singular)
    return Activity(key, one, validate_label(one + "s" if plural is None else plural))


def name_clash(activity: Activity, others: Iterable[Activity]) -> Activity | None:
    """Another activity that a name of ``activity`` already means, so ``/log`` could
    not tell them apart (the same key is the same activity, not a clash)."""
    names = activity.names()
    return next((o for o in others if o.key != activity.key and names & o.names()), None)
