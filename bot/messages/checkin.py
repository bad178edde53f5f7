"""What a rep sees after a check-in, and the one line the team sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from bot.messages import Block, Message
from bot.messages.text import bar, day_label, escape, progress_phrase, week_label
from bot.progress import ActivityProgress
from bot.weeks import week_start
from commands.activities import Activity

UNDO_ACTION = "undo_checkin"
LOG_AGAIN_ACTION = "log_again"


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

    def what(self, today: date) -> str:
        return f"{self.activity.quantity(self.count)} for {day_label(self.day, today)}"


def _week_line(progress: ActivityProgress, day: date, today: date) -> str:
    when = "This week" if week_start(day) == week_start(today) else week_label(week_start(day))
    line = f"{when}: {progress_phrase(progress)}"
    if progress.goal:
        line += f"\n`{bar(progress.done, progress.goal)}`"
    return line


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def roster_hint(channel: str) -> Block:
    """For someone who logs but is not in the huddle channel, so not on the team."""
    return {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": f"You're not in <#{channel}> yet, so the team board doesn't count you. "
                "Join the channel to be on the team.",
            }
        ],
    }


def _note_suffix(note: str) -> str:
    return f" — “{escape(note)}”" if note else ""


def recorded(
    logged: Logged,
    checkin_id: int,
    progress: ActivityProgress,
    today: date,
    *,
    on_roster: bool,
    channel: str,
) -> Message:
    headline = f"✅ Logged *{logged.what(today)}*{_note_suffix(logged.note)}"
    blocks = [
        _section(f"{headline}\n{_week_line(progress, logged.day, today)}"),
        {"type": "actions", "elements": [_button("Undo", UNDO_ACTION, str(checkin_id))]},
    ]
    if not on_roster:
        blocks.append(roster_hint(channel))
    return {"text": f"Logged {logged.what(today)}.", "blocks": blocks}


def repeated(logged: Logged, progress: ActivityProgress, today: date) -> Message:
    text = (
        f"🔁 You logged *{logged.what(today)}*{_note_suffix(logged.note)} a moment ago, "
        "so I didn't count it twice.\n"
        f"{_week_line(progress, logged.day, today)}"
    )
    return {
        "text": f"Already logged {logged.what(today)} — not counted twice.",
        "blocks": [
            _section(text),
            {
                "type": "actions",
                "elements": [
                    _button("Log it again", LOG_AGAIN_ACTION, logged.to_value(), "primary")
                ],
            },
        ],
    }


def undone(logged: Logged, progress: ActivityProgress, today: date) -> Message:
    text = f"↩️ Undone: {logged.what(today)}.\n{_week_line(progress, logged.day, today)}"
    return {"text": f"Undone: {logged.what(today)}.", "blocks": [_section(text)]}


def problem(message: str, usage: str) -> Message:
    """A private reply to input that was not recorded: what is wrong, then how to say it."""
    text = f"⚠️ {escape(message)}\nNothing was recorded."
    return {
        "text": f"{escape(message)} Nothing was recorded.",
        "blocks": [
            _section(text),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(usage)}]},
        ],
    }


def notice(text: str) -> Message:
    """A one-line private reply (refusals, failures) with the text escaped."""
    return {"text": escape(text), "blocks": [_section(escape(text))]}


def announcement(name: str, logged: Logged, progress: ActivityProgress, today: date) -> Message:
    """The team's line. Names the rep by display name, never by mention: no pings."""
    who = f"*{escape(name)}*"
    what = logged.activity.quantity(logged.count)
    when = "" if logged.day == today else f" for {day_label(logged.day, today)}"
    tally = f"{progress.done}/{progress.goal}" if progress.goal else f"{progress.done}"
    text = f"{who} logged {what}{when}{_note_suffix(logged.note)} · {tally} this week"
    return {"text": text, "blocks": [_section(text)]}


def announcement_undone(name: str, logged: Logged, today: date) -> Message:
    text = f"~*{escape(name)}* logged {logged.what(today)}~ (undone)"
    return {"text": text, "blocks": [_section(text)]}
