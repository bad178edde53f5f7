"""``/progress``: one rep's week so far and their last four weeks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.domain.goals import HIT, MISSED, RepWeek
from bot.domain.weeks import iso_week
from bot.messages import Message
from bot.messages.text import bar, escape, progress_phrase
from bot.messages.weekly import holiday_note

_VERDICTS = {HIT: "✅ hit", MISSED: "❌ missed"}


def verdict(week: RepWeek) -> str:
    """The week's verdict with the mark every surface uses (➖ away or no goal)."""
    return _VERDICTS.get(week.verdict, "➖ no goal")


def rep_progress(name: str, current: RepWeek, history: Sequence[RepWeek]) -> Message:
    """``history`` is oldest first and excludes the current week."""
    last_day = current.week + timedelta(days=6)
    span = f"{current.week.strftime('%a %-d %b')} – {last_day.strftime('%a %-d %b')}"
    lines = []
    for p in current.progress:
        line = f"*{p.activity.plural.capitalize()}*: {progress_phrase(p)}"
        if p.goal:
            line += f"  `{bar(p.done, p.goal)}`"
        lines.append(line)
    if (note := holiday_note(current)) is not None and not current.away_days:
        lines.append(f"_{note}_")
    elif current.workdays_present < 5:
        lines.append(
            f"_Away part of the week: goals prorated to {current.workdays_present} of 5 workdays._"
        )
    past = (
        " · ".join(f"{iso_week(w.week)} {verdict(w)}" for w in history)
        or "none yet (new to Huddle)"
    )
    return {
        "text": f"{escape(name)}'s week so far",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": f"{name[:100]}'s week"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": span}]},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Last 4 weeks: {past}"}]},
        ],
    }
