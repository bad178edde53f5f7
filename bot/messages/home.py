"""The App Home tab: the rep's week, goals, last eight weeks and buttons to log;
managers also get the team board and their shortcuts.

A pure builder like the rest of :mod:`bot.messages`. Slack refuses a Home view of more
than 100 blocks; what can grow is bounded (at most :data:`MAX_ACTIVITY_ROWS` activity
rows plus one; the board packs any team into a few sections), so the view stays
under 50 blocks whatever the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.goals import HIT as WEEK_HIT
from bot.domain.goals import MISSED as WEEK_MISSED
from bot.domain.goals import RepWeek
from bot.messages import Block, Message
from bot.messages.admin import goals_line
from bot.messages.blocks import context, header, section
from bot.messages.checkin import roster_hint
from bot.messages.text import SECTION_TEXT_LIMIT, bar, escape, progress_phrase
from bot.messages.usage import DEFAULT_EXPORT_WEEKS, USAGE
from bot.messages.weekly import holiday_note, log_button

HOME_LOG_ACTION = "home_log"
"""Prefix of the Home's log buttons: ``home_log:<activity key>``, value = the key."""
HOME_EXPORT_ACTION = "home_export"
"""The manager's export button; value = the team's channel."""
HISTORY_WEEKS = 8
MAX_ACTIVITY_ROWS = 20
"""Activities shown with their own row and button; any more are listed in one block."""

HIT, MISSED, NO_GOAL, NOT_STARTED = "✅", "❌", "➖", ""


@dataclass(frozen=True)
class HomeData:
    """What one person's Home shows; ``weeks`` is oldest first and ends with this week."""

    weeks: Sequence[RepWeek]
    started: date
    """The Monday of the week Huddle first knew them; earlier weeks are not judged."""
    on_roster: bool
    channel: str
    board: Message | None = None
    """The team board, for managers only."""


def home_log_action(activity_key: str) -> str:
    return f"{HOME_LOG_ACTION}:{activity_key}"


def _day(day: date) -> str:
    return day.strftime("%a %-d %b")


def mark(week: RepWeek, started: date) -> str:
    """How a finished week went: every goal hit, one missed, no goal (away all week or
    none set), or nothing (:data:`NOT_STARTED`) before the rep joined."""
    if week.week + timedelta(days=6) < started:
        return NOT_STARTED
    return {WEEK_HIT: HIT, WEEK_MISSED: MISSED}.get(week.verdict, NO_GOAL)


def streak(weeks: Sequence[RepWeek], started: date) -> int:
    """Weeks in a row with every goal hit, counting back from last week; this week
    joins once its goals are all met, and does not break the streak before then.
    Weeks without a goal neither count nor break it."""
    *past, current = weeks
    count = 1 if mark(current, started) == HIT else 0
    for week in reversed(past):
        verdict = mark(week, started)
        if verdict == HIT:
            count += 1
        elif verdict != NO_GOAL:
            break
    return count


def _activity_rows(current: RepWeek) -> list[Block]:
    rows: list[Block] = []
    for p in current.progress[:MAX_ACTIVITY_ROWS]:
        text = f"*{escape(p.activity.plural.capitalize())}*\n{progress_phrase(p)}"
        if p.goal:
            text += f"\n`{bar(p.done, p.goal)}`"
        row = section(text)
        row["accessory"] = log_button(p.activity, home_log_action(p.activity.key))
        rows.append(row)
    rest = current.progress[MAX_ACTIVITY_ROWS:]
    if rest:
        lines = [f"*{escape(p.activity.plural.capitalize())}*: {progress_phrase(p)}" for p in rest]
        text = "\n".join(lines)
        limit = SECTION_TEXT_LIMIT
        rows.append(section(text if len(text) <= limit else text[: limit - 1] + "…"))
    return rows


def _goals(current: RepWeek) -> Block:
    goals = {p.activity.key: p.goal for p in current.progress if p.goal}
    line = f"🎯 *Your goals this week:* {goals_line([p.activity for p in current.progress], goals)}"
    away = current.away_days
    if away:
        line += (
            f"\n🌴 You're away {away} workday{'' if away == 1 else 's'} this week, so your "
            f"goals are prorated to the {current.workdays_present} you're here."
        )
    elif (note := holiday_note(current)) is not None:
        line += f"\n📅 {note}"
    return context(line)


def _history(weeks: Sequence[RepWeek], started: date) -> list[Block]:
    """The finished weeks since the rep joined, at most the last eight."""
    *past, _current = weeks
    shown = [w for w in past if mark(w, started) != NOT_STARTED]
    if not shown:
        text = "*Your weeks*\nYour first week: each finished week will show here as ✅ or ❌."
        return [section(text)]
    title = f"Last {HISTORY_WEEKS} weeks" if len(shown) == HISTORY_WEEKS else "Your weeks so far"
    marks = " · ".join(f"{w.week:%-d %b} {mark(w, started)}" for w in shown)
    weeks_hit = streak(weeks, started)
    if weeks_hit:
        run = f"🔥 *Streak: {weeks_hit} week{'' if weeks_hit == 1 else 's'}* with every goal hit"
    else:
        run = "No streak yet: hit every goal this week to start one."
    return [
        section(f"*{title}* (week starting)\n{marks}\n{run}"),
        context(
            f"{HIT} every goal hit · {MISSED} a goal missed · {NO_GOAL} no goal (away or none set)"
        ),
    ]


def _manager_panel(board: Message, channel: str) -> list[Block]:
    commands = " · ".join(f"`{u.syntax}`" for u in USAGE if u.managers_only)
    export = {
        "type": "button",
        "text": {"type": "plain_text", "text": f"Export last {DEFAULT_EXPORT_WEEKS} weeks (CSV)"},
        "action_id": HOME_EXPORT_ACTION,
        "value": channel,
    }
    return [
        {"type": "divider"},
        header("Team (managers)"),
        *board["blocks"],
        {"type": "actions", "elements": [export]},
        context(
            "The export arrives as a file in our direct messages. Manager commands: " + commands
        ),
    ]


MAX_HOME_TEAMS = 3
"""Teams one Home shows in full (each about 25 blocks; Slack allows 100)."""


def home(data: HomeData | Sequence[HomeData]) -> Message:
    """The ``views.publish`` view: one team's part, or each team's under its channel."""
    if isinstance(data, HomeData):
        return {"type": "home", "blocks": _team_blocks(data)}
    if len(data) == 1:
        return home(data[0])
    blocks: list[Block] = []
    for part in data[:MAX_HOME_TEAMS]:
        blocks += [section(f"*<#{part.channel}>*"), *_team_blocks(part), {"type": "divider"}]
    return {"type": "home", "blocks": blocks[:-1]}


def _team_blocks(data: HomeData) -> list[Block]:
    current = data.weeks[-1]
    last_day = current.week + timedelta(days=6)
    blocks: list[Block] = [
        header(f"Your week · {_day(current.week)} – {_day(last_day)}"),
        *_activity_rows(current),
        _goals(current),
    ]
    if not data.on_roster:
        blocks.append(roster_hint(data.channel))
    blocks += [{"type": "divider"}, *_history(data.weeks, data.started)]
    if data.board is not None:
        blocks += _manager_panel(data.board, data.channel)
    return blocks
