"""What ``/huddle`` answers, privately: help, the goals list, confirmations, settings.

Pure builders like the rest of :mod:`bot.messages`. Names and anything else a user
typed are escaped; user IDs from configuration or storage become ``<@U…>`` mentions,
which in a private reply only render a name and notify nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from bot.domain.activities import Activity
from bot.domain.goals import TEAM_DEFAULT, GoalRow
from bot.domain.windows import Timetable
from bot.messages import Message
from bot.messages.blocks import MAX_BLOCKS, context, section, sections
from bot.messages.text import escape, week_label
from bot.messages.usage import CHANNEL_NOTE, TOPICS, USAGE, Usage


def _usage_line(usage: Usage) -> str:
    marker = " _(managers)_" if usage.managers_only else ""
    return f"`{usage.syntax}` — {usage.meaning}{marker}"


def help_message(*, is_manager: bool) -> Message:
    """Every subcommand, the manager-only ones marked."""
    if is_manager:
        who = "You're a manager, so you can use all of them."
    else:
        who = "Commands marked _(managers)_ are for managers."
    lines = ["*Huddle commands*", *(f"• {_usage_line(u)}" for u in USAGE)]
    checking_in = (
        "Check in with `/logmeeting`, `/logcall`, `/logfollowup`, `/logreferral` or "
        "`/log ACTIVITY`, and see a week with `/progress [@user]`."
    )
    return {
        "text": "Huddle commands: " + ", ".join(TOPICS),
        "blocks": [*sections(lines), context(f"{who} {checking_in} {CHANNEL_NOTE}")],
    }


def usage_text(topic: str | None) -> str:
    """The usage lines of one subcommand (every subcommand when ``topic`` is None)."""
    chosen = [u for u in USAGE if topic is None or u.topic == topic] or list(USAGE)
    return "\n".join(_usage_line(u) for u in chosen)


def command_problem(message: str, topic: str | None) -> Message:
    """A private reply to a ``/huddle`` command that changed nothing: what is wrong,
    then how to say it."""
    text = f"⚠️ {escape(message)}\nNothing was changed."
    return {
        "text": f"{escape(message)} Nothing was changed.",
        "blocks": [section(text), context(usage_text(topic))],
    }


def goals_line(activities: Sequence[Activity], goals: Mapping[str, int]) -> str:
    """``6 meetings · 20 calls · no goal for follow-ups, referrals``."""
    set_goals = [a.quantity(goals[a.key]) for a in activities if a.key in goals]
    unset = [a.plural for a in activities if a.key not in goals]
    parts = set_goals + ([f"no goal for {', '.join(unset)}"] if unset else [])
    return " · ".join(parts) if parts else "no goals"


def goals_list(
    week: date,
    activities: Sequence[Activity],
    rows: Iterable[GoalRow],
    names: Mapping[str, str],
) -> Message:
    """The team's goals and every rep's own goal in force in the week of ``week``."""
    by_key = {a.key: a for a in activities}
    team = {r.activity: r.target for r in rows if r.user_id == TEAM_DEFAULT and r.target}
    own: dict[str, dict[str, int]] = {}
    for row in rows:
        if row.user_id != TEAM_DEFAULT and row.target and row.activity in by_key:
            own.setdefault(row.user_id, {})[row.activity] = row.target
    lines = [f"*Goals for the {week_label(week)}*", f"*Team:* {goals_line(activities, team)}"]
    if own:
        lines.append("*Reps' own goals* (instead of the team's):")
        ordered = sorted(own, key=lambda u: (names.get(u, u).lower(), u))
        for user_id in ordered:
            goals = " · ".join(
                a.quantity(own[user_id][a.key]) for a in activities if a.key in own[user_id]
            )
            lines.append(f"• {escape(names.get(user_id, user_id))}: {goals}")
    else:
        lines.append("No rep has a goal of their own; everyone has the team's.")
    blocks = sections(lines)[: MAX_BLOCKS - 1]
    blocks.append(context("Away days shrink a rep's goals to the workdays they're present."))
    return {"text": f"Goals: {goals_line(activities, team)}", "blocks": blocks}


def goal_changed(
    activity: Activity,
    target: int | None,
    week: date,
    *,
    name: str | None,
    team_target: int | None,
    summarised: bool = False,
) -> Message:
    """Confirmation of ``/huddle goal``: ``name`` None is the team's goal, else one rep's
    (``team_target`` is then the team's goal for the same activity, for comparison).
    ``summarised``: this week's summary is posted, so the change starts with ``week``,
    the next one."""
    since = f"from {'next' if summarised else 'this'} week ({week_label(week)}) on"
    team = f"the team's {activity.quantity(team_target)}" if team_target else None
    if name is None:
        if target is None:
            text = f"🎯 The team's {activity.singular} goal is *off* {since}."
        else:
            text = f"🎯 Team goal: *{activity.quantity(target)}* a week, {since}."
    else:
        who = escape(name)
        if target is None:
            follows = f"follows {team}" if team else f"has no {activity.singular} goal"
            text = f"🎯 {who}'s own {activity.singular} goal is removed {since}: {who} {follows}."
        else:
            instead = f" (instead of {team})" if team else ""
            text = f"🎯 {who}'s own goal: *{activity.quantity(target)}* a week{instead}, {since}."
    plain = text.removeprefix("🎯 ").replace("*", "")
    return {
        "text": plain,
        "blocks": [section(text), context(_goal_note(summarised))],
    }


def day_text(day: date, today: date) -> str:
    """``Tue 1 Dec``, with the year when it is not this year's."""
    label = day.strftime("%a %-d %b")
    return label if day.year == today.year else f"{label} {day.year}"


def _span(first: date, last: date, today: date) -> str:
    if first == last:
        return day_text(first, today)
    return f"{day_text(first, today)} – {day_text(last, today)}"


def away_marked(name: str | None, first: date, last: date, today: date, workdays: int) -> Message:
    """Confirmation of ``/huddle away``; ``name`` None means the caller themself."""
    who = "You're" if name is None else f"{escape(name)} is"
    whose = "your" if name is None else "their"
    days = f"{workdays} workday{'' if workdays == 1 else 's'}"
    text = (
        f"🌴 {who} away *{_span(first, last, today)}* ({days}). "
        f"Nudges pause on those days, and {whose} goals for those weeks are prorated to the "
        "workdays present."
    )
    return {"text": text.removeprefix("🌴 ").replace("*", ""), "blocks": [section(text)]}


def back_marked(
    name: str | None,
    shortened: Sequence[tuple[date, date]],
    cancelled: Sequence[tuple[date, date]],
    today: date,
) -> Message:
    """Confirmation of ``/huddle back``; ``name`` None means the caller themself."""
    who = "you" if name is None else escape(name)
    if not shortened and not cancelled:
        text = f"{'You' if name is None else who} had no away days from today on; nothing changed."
        return {"text": text, "blocks": [section(text)]}
    lines = [f"👋 Welcome back{'' if name is None else f', {who}'}! Present from today."]
    yesterday = day_text(today - timedelta(days=1), today)
    lines += [f"• Away {_span(f, last, today)}: now ends {yesterday}" for f, last in shortened]
    lines += [f"• Away {_span(f, last, today)}: cancelled" for f, last in cancelled]
    lines.append("Nudges resume, and goals are prorated only for days still marked away.")
    return {"text": lines[0].removeprefix("👋 "), "blocks": sections(lines)}


def _goal_note(summarised: bool) -> str:
    if summarised:
        return (
            "This week's summary is already posted, so this week keeps the goals it was "
            "judged against. Past weeks keep the goals they had."
        )
    return "Past weeks keep the goals they had."


def team_time_lines(settings: Timetable, reps: Sequence[tuple[str, str]]) -> list[str]:
    """``reps``: (name, timezone) of those so far west that they get the nudge at the
    team's time (``bot.domain.windows.nudged_at_team_time``)."""
    if not reps:
        return []
    names = ", ".join(f"{escape(name)} ({zone})" for name, zone in sorted(reps))
    return [
        f"    _At {settings.nudge_at} {settings.timezone.key} instead, because their own "
        f"would come after the summary or less than 2 hours before it:_ {names}"
    ]
