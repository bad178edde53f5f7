"""What ``/huddle`` answers about a team itself: its settings, its activities, setting
it up, its roster, and which team a command is for.

Pure builders like the rest of :mod:`bot.messages`. Channel and user IDs come from
Slack or storage and become ``<#C…>`` and ``<@U…>`` mentions (in a private reply they
render a name and notify nobody); activity names and keys were typed by a manager and
are escaped. A refusal is a :func:`~bot.messages.admin.command_problem`: it says what
is wrong and that nothing was changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from bot.domain.activities import BUILT_IN, MAX_ACTIVE_ACTIVITIES, Activity
from bot.domain.team_settings import TEAM_SETTINGS, SettingChange, TeamSettings, setting_text
from bot.domain.windows import NEXT_RUN_WEEKS
from bot.messages import Message
from bot.messages.admin import command_problem
from bot.messages.blocks import context, section, sections
from bot.messages.text import echo, escape

_WHOSE_CLOCK = {
    "huddle": "team timezone",
    "nudge": "each rep's own timezone",
    "summary": "team timezone",
}
_CHANGE_HINT = (
    "Change one with `/huddle settings WORD VALUE`, e.g. `/huddle settings nudge thu 14:00`;"
    " a change takes effect within a minute."
)
_BUILT_IN_KEYS = frozenset(a.key for a in BUILT_IN)


def moment(when: datetime) -> str:
    """``Thu 3 Dec 15:00 (Europe/Berlin)``: a scheduled time and the clock it is on."""
    zone = getattr(when.tzinfo, "key", None) or when.tzname() or "UTC"
    return f"{when:%a %-d %b %H:%M} ({zone})"


def _plain(text: str) -> str:
    return text.replace("*", "").replace("`", "")


def _next_lines(next_nudge: datetime | None, next_summary: datetime) -> list[str]:
    nudge = moment(next_nudge) if next_nudge else f"none in the next {NEXT_RUN_WEEKS} weeks"
    return [f"*Next nudge:* {nudge}", f"*Next summary:* {moment(next_summary)}"]


def _setting_line(settings: TeamSettings, word: str, change: SettingChange | None) -> str:
    setting = TEAM_SETTINGS[word]
    off = word == "huddle" and settings.huddle_at is None
    clock = f" ({_WHOSE_CLOCK[word]})" if word in _WHOSE_CLOCK and not off else ""
    if change is None:
        source = f"from {setting.variable} when the team was created"
    else:
        source = f"set in Slack by <@{change.user_id}> on {change.on:%a %-d %b %Y}"
    return f"*{setting.label}* (`{word}`): `{setting_text(settings, word)}`{clock} — _{source}_"


def team_settings_view(
    channel: str,
    settings: TeamSettings,
    changes: Mapping[str, SettingChange],
    next_nudge: datetime | None,
    next_summary: datetime,
) -> Message:
    """``/huddle settings`` for the team of ``channel``: each setting, its value and where
    it came from (``changes``: the ones a manager set in Slack, by word), and when the
    next nudge and summary go out (``next_nudge`` in the caller's or the team's zone)."""
    lines = [
        f"*Settings of <#{channel}>*",
        *(_setting_line(settings, word, changes.get(word)) for word in TEAM_SETTINGS),
        *_next_lines(next_nudge, next_summary),
    ]
    return {
        "text": f"Settings of the team in <#{channel}>",
        "blocks": [*sections(lines), context(_CHANGE_HINT)],
    }


def setting_changed(
    word: str, settings: TeamSettings, next_nudge: datetime | None, next_summary: datetime
) -> Message:
    """The reply to ``/huddle settings WORD VALUE``: the new value and what it means for
    the next nudge and summary."""
    setting = TEAM_SETTINGS[word]
    lines = [
        f"⚙️ {setting.label} is now *{setting_text(settings, word)}*; it takes effect "
        "within a minute.",
        *_next_lines(next_nudge, next_summary),
    ]
    return {"text": _plain(" ".join(lines).removeprefix("⚙️ ")), "blocks": sections(lines)}


# Activities ---------------------------------------------------------------------------


def _activity_line(activity: Activity) -> str:
    how = f"`/log {escape(activity.key)}`"
    if activity.key in _BUILT_IN_KEYS:
        how += f" or `{activity.command}`"
    names = f"{escape(activity.singular)} / {escape(activity.plural)}"
    return f"• `{escape(activity.key)}` — {names} · log with {how}"


def activity_list(active: Sequence[Activity], retired: Sequence[Activity]) -> Message:
    """``/huddle activity``: what the team counts, and what it retired (whose history
    stays, and which ``add`` brings back)."""
    lines = [f"*Activities this team counts* ({len(active)} of at most {MAX_ACTIVE_ACTIVITIES})"]
    lines += [_activity_line(a) for a in active] or ["None: add one with `/huddle activity add`."]
    if retired:
        lines.append("*Retired* (history kept; `/huddle activity add KEY` brings one back)")
        lines += [f"• `{escape(a.key)}` — {escape(a.plural)}" for a in retired]
    counted = ", ".join(escape(a.plural) for a in active) or "nothing"
    return {
        "text": f"This team counts {counted}.",
        "blocks": [
            *sections(lines),
            context(
                'Managers: `/huddle activity add demo "demo booked" "demos booked"` or '
                "`/huddle activity remove KEY`."
            ),
        ],
    }


def activity_added(activity: Activity, *, revived: bool) -> Message:
    """The reply to ``/huddle activity add``; ``revived``: it was retired and is back,
    with its history."""
    back = " again, with its history" if revived else ""
    text = (
        f"➕ This team counts *{escape(activity.plural)}*{back}: log with "
        f"`/log {escape(activity.key)}`. Give it a goal with "
        f"`/huddle goal {escape(activity.key)} N`."
    )
    return {"text": _plain(text.removeprefix("➕ ")), "blocks": [section(text)]}


def activity_removed(activity: Activity) -> Message:
    """The reply to ``/huddle activity remove``."""
    text = (
        f"➖ This team no longer counts *{escape(activity.plural)}*: it can't be logged and "
        "has no goal from this week on. Its history stays in `/progress`, the App Home and "
        f"exports; `/huddle activity add {escape(activity.key)}` brings it back."
    )
    return {"text": _plain(text.removeprefix("➖ ")), "blocks": [section(text)]}


def too_many_activities(active: Sequence[Activity]) -> Message:
    """Refusing an 11th activity: name the limit and what could be retired."""
    keys = ", ".join(a.key for a in active)
    return command_problem(
        f"This team already counts {len(active)} activities, the most it can "
        f"({MAX_ACTIVE_ACTIVITIES}), so every message and button row fits in Slack. Retire "
        f"one first with `/huddle activity remove KEY` (it counts: {keys}).",
        "activity",
    )


def unknown_activity(name: str, active: Sequence[Activity]) -> Message:
    """Refusing to remove (or set a goal for) an activity the team doesn't count."""
    keys = ", ".join(a.key for a in active) or "nothing"
    return command_problem(
        f"This team doesn't count an activity `{echo(name)}`. It counts: {keys}.", "activity"
    )


def activity_name_taken(activity: Activity, other: Activity) -> Message:
    """Refusing an activity one of whose names already means ``other``."""
    return command_problem(
        f"`{activity.key}` ({activity.singular} / {activity.plural}) would share a name "
        f"with `{other.key}` ({other.singular} / {other.plural}), so `/log` couldn't tell "
        "them apart. Choose other names.",
        "activity",
    )


# Setting a team up, and which team ----------------------------------------------------


def team_created(
    channel: str, settings: TeamSettings, next_nudge: datetime | None, next_summary: datetime
) -> Message:
    """The reply to ``/huddle setup`` in a channel that had no team: what it is now, and
    the next steps a new manager takes."""
    lines = [
        f"🎉 <#{channel}> is now a team, and you are its manager.",
        "*Next:*",
        "• Set the weekly goals: `/huddle goal meetings 6` (`/huddle goal` lists them)",
        "• Check the schedule: "
        f"nudge {setting_text(settings, 'nudge')}, summary {setting_text(settings, 'summary')}, "
        f"daily huddle {setting_text(settings, 'huddle')}, timezone "
        f"{setting_text(settings, 'timezone')}; change one with "
        "`/huddle settings nudge thu 14:00` (`/huddle settings` shows them all)",
        "• Choose what it counts: `/huddle activity`",
        "• Add more managers: `/huddle manager add @user`",
        *_next_lines(next_nudge, next_summary),
    ]
    return {
        "text": _plain(lines[0].removeprefix("🎉 ")),
        "blocks": [
            *sections(lines),
            context(
                "Everyone in the channel is on the team; `/huddle rep remove @user` "
                "takes someone who doesn't sell off the roster."
            ),
        ],
    }


def already_a_team(
    channel: str,
    settings: TeamSettings,
    changes: Mapping[str, SettingChange],
    next_nudge: datetime | None,
    next_summary: datetime,
) -> Message:
    """The reply to ``/huddle setup`` in a channel that already is a team: so, and its
    settings."""
    view = team_settings_view(channel, settings, changes, next_nudge, next_summary)
    note = f"<#{channel}> is already a team; nothing was changed."
    return {"text": note, "blocks": [section(f"ℹ️ {note}"), *view["blocks"]]}


def not_in_channel(channel: str) -> Message:
    """``/huddle setup`` where Huddle is not a member: it could neither read nor post."""
    text = (
        f"I'm not in <#{channel}>, so it can't be a team yet: invite me with "
        "`/invite @Huddle` in that channel, then run `/huddle setup` again."
    )
    return {"text": _plain(text), "blocks": [section(text)]}


def which_team(channels: Sequence[str]) -> Message:
    """A command typed outside any team's channel by someone on several teams."""
    listed = ", ".join(f"<#{c}>" for c in channels)
    text = (
        "You're on several teams — add `#channel` to say which: "
        f"{listed}, e.g. `/huddle goal #channel meetings 6`."
    )
    return {"text": _plain(text), "blocks": [section(text)]}


def roster_changed(user_id: str, *, on_roster: bool) -> Message:
    """The reply to ``/huddle rep add|remove @user``."""
    if on_roster:
        text = f"<@{user_id}> is on the roster: on the board, nudged and in the summary."
    else:
        text = (
            f"<@{user_id}> is off the roster: not on the board, not nudged, not in the "
            "summary. Their check-ins are still recorded; `/huddle rep add` puts them back."
        )
    return {"text": text, "blocks": [section(text)]}


# Holidays ---------------------------------------------------------------------------------


def _holiday_day(day: date, name: str) -> str:
    return f"{day:%a %-d %b %Y} — {escape(name)}"


def holiday_list(
    year: int,
    region: str | None,
    holidays: Sequence[tuple[date, str]],
    worked: Sequence[date],
) -> Message:
    """``/huddle holiday``: this year's holidays, where the public ones come from, and
    the public ones the team works on."""
    source = (
        f"Public holidays of *{escape(region)}*, with the team's own days."
        if region
        else "No public holidays (`/huddle settings holidays US` keeps a country's); "
        "the team's own days only."
    )
    lines = [f"📅 *Holidays in {year}* — {source}"]
    lines += [f"• {_holiday_day(day, name)}" for day, name in holidays] or ["• none"]
    if worked:
        lines.append("Worked on after all: " + ", ".join(f"{d:%a %-d %b}" for d in worked))
    lines.append(
        "On a holiday there is no board and no nudge, and that week's goals are prorated. "
        "Managers: `/huddle holiday add 2026-12-24 [2026-12-26] [name]`, "
        "`/huddle holiday remove 2026-12-24`."
    )
    return {"text": _plain(" ".join(lines)), "blocks": sections(lines)}


def holidays_changed(
    changed: Sequence[tuple[date, str]],
    *,
    added: bool,
    next_nudge: datetime | None,
    next_summary: datetime,
) -> Message:
    """The reply to ``/huddle holiday add|remove``: the days, and the next runs."""
    days = ", ".join(_holiday_day(day, name) for day, name in changed)
    head = (
        f"📅 Holiday{'s' if len(changed) > 1 else ''} added: {days}. No board and no nudge "
        "on them; that week's goals are prorated."
        if added
        else f"📅 Workday{'s' if len(changed) > 1 else ''} again: {days}."
    )
    lines = [head, *_next_lines(next_nudge, next_summary)]
    return {"text": _plain(" ".join(lines)), "blocks": sections(lines)}


def not_a_holiday(first: date, last: date) -> Message:
    span = f"{first}" if first == last else f"{first} to {last}"
    return command_problem(
        f"{span} is not one of the team's holidays, so nothing changed. "
        "`/huddle holiday` lists them.",
        "holiday",
    )


def holiday_in_the_past(first: date, week: date) -> Message:
    return command_problem(
        f"{first} is before this week (which began {week:%a %-d %b}): past weeks are "
        "judged already, so holidays change this week and later only. Nothing changed.",
        "holiday",
    )
