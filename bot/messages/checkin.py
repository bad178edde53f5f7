"""What a rep sees after a check-in, and the one line the team sees."""

from __future__ import annotations

from datetime import date

from bot.domain.checkin import Logged
from bot.domain.goals import ActivityProgress
from bot.domain.weeks import week_start
from bot.messages import Block, Message
from bot.messages.blocks import section
from bot.messages.text import bar, day_label, escape, progress_phrase, week_label

UNDO_ACTION = "undo_checkin"
LOG_AGAIN_ACTION = "log_again"


def _what(logged: Logged, today: date) -> str:
    return f"{logged.activity.quantity(logged.count)} for {day_label(logged.day, today)}"


def _week_line(progress: ActivityProgress, day: date, today: date) -> str:
    when = "This week" if week_start(day) == week_start(today) else week_label(week_start(day))
    line = f"{when}: {progress_phrase(progress)}"
    if progress.goal:
        line += f"\n`{bar(progress.done, progress.goal)}`"
    return line


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
    headline = f"✅ Logged *{_what(logged, today)}*{_note_suffix(logged.note)}"
    blocks = [
        section(f"{headline}\n{_week_line(progress, logged.day, today)}"),
        {"type": "actions", "elements": [_button("Undo", UNDO_ACTION, str(checkin_id))]},
    ]
    if not on_roster:
        blocks.append(roster_hint(channel))
    return {"text": f"Logged {_what(logged, today)}.", "blocks": blocks}


def repeated(logged: Logged, progress: ActivityProgress, today: date) -> Message:
    text = (
        f"🔁 You logged *{_what(logged, today)}*{_note_suffix(logged.note)} a moment ago, "
        "so I didn't count it twice.\n"
        f"{_week_line(progress, logged.day, today)}"
    )
    return {
        "text": f"Already logged {_what(logged, today)} — not counted twice.",
        "blocks": [
            section(text),
            {
                "type": "actions",
                "elements": [
                    _button("Log it again", LOG_AGAIN_ACTION, logged.to_value(), "primary")
                ],
            },
        ],
    }


def undone(logged: Logged, progress: ActivityProgress, today: date) -> Message:
    text = f"↩️ Undone: {_what(logged, today)}.\n{_week_line(progress, logged.day, today)}"
    return {"text": f"Undone: {_what(logged, today)}.", "blocks": [section(text)]}


def problem(message: str, usage: str) -> Message:
    """A private reply to input that was not recorded: what is wrong, then how to say it."""
    text = f"⚠️ {escape(message)}\nNothing was recorded."
    return {
        "text": f"{escape(message)} Nothing was recorded.",
        "blocks": [
            section(text),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(usage)}]},
        ],
    }


def notice(text: str) -> Message:
    """A one-line private reply (refusals, failures) with the text escaped."""
    return {"text": escape(text), "blocks": [section(escape(text))]}


def announcement(
    name: str, logged: Logged, progress: ActivityProgress, today: date, team_week: date
) -> Message:
    """The team's line. Names the rep by display name, never by mention: no pings.

    ``today`` is the rep's own (the day in their words: "today" at 21:30 in Los Angeles
    even when New York is past midnight); the tally is of the week the check-in counts
    in, named unless it is ``team_week``, the week the team's board shows."""
    who = f"*{escape(name)}*"
    tally = f"{progress.done}/{progress.goal}" if progress.goal else f"{progress.done}"
    week = week_start(logged.day)
    of_week = "this week" if week == team_week else f"for the {week_label(week)}"
    text = f"{who} logged {_what(logged, today)}{_note_suffix(logged.note)} · {tally} {of_week}"
    return {"text": text, "blocks": [section(text)]}


def announcement_undone(name: str, logged: Logged, today: date) -> Message:
    text = f"~*{escape(name)}* logged {_what(logged, today)}~ (undone)"
    return {"text": text, "blocks": [section(text)]}
