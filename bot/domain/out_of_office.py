"""Whether a Slack status says its owner is out of office.

At nudge time a rep whose status emoji is one of ``HUDDLE_OOO_EMOJIS`` (🌴 and the
like), or whose status text says so ("Out of office", "OOO", "on vacation"…), and
whose status has not expired, is not nudged. It does not prorate their goal: a status
is a hint about today, set and cleared at will, not a record of days away (those are
``/huddle away`` and the team's holidays), so the week is still judged in full.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

OOO_TEXT = re.compile(
    r"\b(out of (the )?office|ooo|on (vacation|holiday|leave|pto)|sick)\b", re.IGNORECASE
)
"""Status texts that say out of office, in the words people (and calendar apps) use."""


def is_out_of_office(profile: Mapping[str, Any], emojis: Collection[str], now: datetime) -> bool:
    """``profile`` as ``users.list`` gives it (``status_emoji``, ``status_text``,
    ``status_expiration`` in epoch seconds, 0 for never)."""
    expiration = int(profile.get("status_expiration") or 0)
    if expiration and expiration <= now.timestamp():
        return False
    emoji = str(profile.get("status_emoji") or "").lower()
    text = str(profile.get("status_text") or "")
    return emoji in emojis or OOO_TEXT.search(text) is not None
