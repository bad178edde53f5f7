"""What ``/huddle help`` lists: every subcommand, its syntax and who may use it. The
parser takes its topics from here, so help and grammar cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.activities import MAX_ACTIVE_ACTIVITIES
from bot.domain.team_settings import TEAM_SETTINGS

DEFAULT_EXPORT_WEEKS = 4
MAX_EXPORT_WEEKS = 52


@dataclass(frozen=True)
class Usage:
    """One line of ``/huddle help``; ``topic`` is the subcommand it documents."""

    topic: str
    syntax: str
    meaning: str
    managers_only: bool = False


USAGE: tuple[Usage, ...] = (
    Usage("help", "/huddle help", "this list"),
    Usage("board", "/huddle board", "the team's week so far, just for you"),
    Usage("goal", "/huddle goal", "the goals in force this week"),
    Usage(
        "goal",
        "/huddle goal ACTIVITY N|off",
        "set (or switch off) the team's weekly goal from this week on, e.g. "
        "`/huddle goal meetings 6`",
        managers_only=True,
    ),
    Usage(
        "goal",
        "/huddle goal @user ACTIVITY N|off",
        "set one rep's own weekly goal (`off` puts them back on the team's)",
        managers_only=True,
    ),
    Usage(
        "away",
        "/huddle away FIRST [LAST]",
        "mark yourself away on those days (YYYY-MM-DD, both included): no nudges, "
        "and goals are prorated to the workdays you're present",
    ),
    Usage("away", "/huddle away until LAST", "mark yourself away from today until LAST"),
    Usage("away", "/huddle away @user …", "mark a teammate away", managers_only=True),
    Usage("back", "/huddle back", "you're back: end today's away period and cancel later ones"),
    Usage("back", "/huddle back @user", "the same for a teammate", managers_only=True),
    Usage("undo", "/huddle undo", "remove your most recent check-in of this week"),
    Usage(
        "manager",
        "/huddle manager add|remove @user",
        "give or take away manager rights",
        managers_only=True,
    ),
    Usage(
        "settings",
        "/huddle settings",
        "the channel, timezone, schedule and limits",
        managers_only=True,
    ),
    Usage(
        "settings",
        "/huddle settings WORD VALUE",
        f"change one: {', '.join(f'`{w}`' for w in TEAM_SETTINGS)}, e.g. "
        "`/huddle settings nudge thu 14:00` or `/huddle settings huddle off`",
        managers_only=True,
    ),
    Usage(
        "setup",
        "/huddle setup",
        "make this channel a team, with you as its manager",
    ),
    Usage("activity", "/huddle activity", "the activities the team counts"),
    Usage(
        "activity",
        '/huddle activity add KEY ["NAME" ["NAMES"]]',
        f"count a new activity (at most {MAX_ACTIVE_ACTIVITIES}), or bring a retired one "
        'back, e.g. `/huddle activity add demo "demo booked" "demos booked"`',
        managers_only=True,
    ),
    Usage(
        "activity",
        "/huddle activity remove KEY",
        "stop counting it from this week on; its history stays",
        managers_only=True,
    ),
    Usage(
        "rep",
        "/huddle rep add|remove @user",
        "put someone in the channel on the team's roster, or take them off it",
        managers_only=True,
    ),
    Usage("holiday", "/huddle holiday", "the team's holidays this year"),
    Usage(
        "holiday",
        "/huddle holiday add FIRST [LAST] [NAME]",
        "make those days (YYYY-MM-DD) team holidays: no board, no nudge, goals prorated, "
        "e.g. `/huddle holiday add 2026-12-24 2026-12-26 Christmas`",
        managers_only=True,
    ),
    Usage(
        "holiday",
        "/huddle holiday remove FIRST [LAST]",
        "work on those days after all (a public holiday too)",
        managers_only=True,
    ),
    Usage(
        "export",
        "/huddle export [WEEKS]",
        f"a CSV of the check-ins of this week and the WEEKS-1 before it (default "
        f"{DEFAULT_EXPORT_WEEKS}, at most {MAX_EXPORT_WEEKS}), sent to you as a direct message",
        managers_only=True,
    ),
)

TOPICS: tuple[str, ...] = tuple(dict.fromkeys(u.topic for u in USAGE))

CHANNEL_NOTE = (
    "Add `#channel` to any command to act on that channel's team, e.g. "
    "`/huddle goal #sales meetings 6`."
)
"""Said once under the list rather than on every line."""
