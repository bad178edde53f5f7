"""The scheduled posts: the daily huddle board, Thursday's nudge, Friday's summary and
the managers' digest.

Pure builders: data in, messages out, no clock and no I/O, so the board can be rebuilt
and ``chat.update``-d in place as often as check-ins arrive. Channel posts (board and
summary) name reps by escaped display name and never by mention: they must not ping
anyone. Everything is packed to Slack's limits (3,000 characters a section, 50 blocks
and about 12,000 characters of block text a message) however large the team and however
long the names: the summary and digest split into a parent and thread replies, the
board (one message, updated in place) shows as many reps as fit and counts the rest.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.goals import PATTERN_MISSES, PATTERN_WEEKS, RepWeek
from bot.domain.team_calendar import short_week_note
from bot.domain.weeks import WORKDAYS, week_start
from bot.messages import Block, Message
from bot.messages.blocks import MAX_BLOCKS, context, header, section, sections
from bot.messages.charts import percent
from bot.messages.text import escape

NUDGE_LOG_ACTION = "nudge_log"
"""Prefix of the nudge's log buttons: ``nudge_log:<activity key>``, value = the key."""
NUDGE_LOG_PATTERN = re.compile(rf"^{NUDGE_LOG_ACTION}:(.+)$")
"""Matches every nudge log button (for ``app.action(...)``)."""

MESSAGE_TEXT_BUDGET = 10_000
"""Most text one message's blocks may carry. Slack refuses ``chat.postMessage`` with
``msg_blocks_too_long`` at about 12,000-13,000 characters of block text in total, a
limit it does not document (slackapi/bolt-js#2509, #2867); 10,000 leaves headroom."""
MAX_NAME = 80
MINI_BAR_WIDTH = 5
_BUTTON_TEXT_LIMIT = 75
_BUTTONS_PER_ACTIONS = 25


@dataclass(frozen=True)
class RepLine:
    """One rep as the scheduled posts show them."""

    user_id: str
    name: str
    """Display name, unescaped; builders escape and truncate it."""
    week: RepWeek

    @property
    def label(self) -> str:
        """The name as it may appear in mrkdwn: one line, at most 80 characters, escaped."""
        name = " ".join(self.name.split()) or self.user_id
        if len(name) > MAX_NAME:
            name = name[: MAX_NAME - 1] + "…"
        return escape(name)

    @property
    def sort_name(self) -> tuple[str, str]:
        return (" ".join(self.name.split()).casefold(), self.user_id)


def nudge_action_id(activity_key: str) -> str:
    """Slack wants action_ids unique within a message, so the key rides along."""
    return f"{NUDGE_LOG_ACTION}:{activity_key}"


def nudge_activity(action_id: str) -> str | None:
    """The activity key of a nudge log button, or None for any other action_id."""
    match = NUDGE_LOG_PATTERN.match(action_id)
    return match[1] if match else None


# ------------------------------------------------------------------ shared pieces


def _day(day: date) -> str:
    return day.strftime("%a %-d %b")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _mini_bar(done: int, goal: int) -> str:
    filled = min(MINI_BAR_WIDTH, done * MINI_BAR_WIDTH // goal) if goal > 0 else MINI_BAR_WIDTH
    return "▰" * filled + "▱" * (MINI_BAR_WIDTH - filled)


def activities_of(lines: Sequence[RepLine]) -> list[Activity]:
    """Every activity the reps' weeks mention, in their order; the built-ins when none."""
    seen: dict[str, Activity] = {}
    for line in lines:
        for p in line.week.progress:
            seen.setdefault(p.activity.key, p.activity)
    return list(seen.values()) or list(BUILT_IN)


def text_size(blocks: Iterable[Block]) -> int:
    """Characters of text in ``blocks``: what counts toward Slack's per-message budget."""

    def size(node: object) -> int:
        if isinstance(node, dict):
            return sum(
                len(v) if k == "text" and isinstance(v, str) else size(v) for k, v in node.items()
            )
        if isinstance(node, list):
            return sum(size(item) for item in node)
        return 0

    return size(list(blocks))


_NOTE_RESERVE = 120  # room for a "continued" note, whatever the part numbers


def _split(
    head: list[Block],
    body: list[Block],
    *,
    title: str,
    text: str,
    blocks_per_message: int,
) -> list[Message]:
    """``head`` + ``body`` as one message, or as a parent (head and the start of the
    body) plus thread replies labelled "(continued, part k of n)". Every message keeps
    within ``blocks_per_message`` blocks and :data:`MESSAGE_TEXT_BUDGET` characters."""
    limit = min(blocks_per_message, MAX_BLOCKS)
    head_size = text_size(head)
    if len(head) + len(body) <= limit and head_size + text_size(body) <= MESSAGE_TEXT_BUDGET:
        return [{"text": text, "blocks": head + body}]
    if limit < len(head) + 1 or limit < 2:
        raise ValueError(f"blocks_per_message={blocks_per_message} cannot hold the header")

    chunks: list[list[Block]] = [[]]
    room, budget = limit - len(head) - 1, MESSAGE_TEXT_BUDGET - head_size - _NOTE_RESERVE
    for block in body:
        size = text_size([block])
        movable = bool(chunks[-1]) or len(chunks) == 1  # a reply always takes one block
        if movable and (room <= 0 or size > budget):
            chunks.append([])
            room, budget = limit - 1, MESSAGE_TEXT_BUDGET - _NOTE_RESERVE
        chunks[-1].append(block)
        room, budget = room - 1, budget - size

    total = len(chunks)
    messages: list[Message] = [
        {
            "text": f"{text} (part 1 of {total}, continued in the thread)",
            "blocks": [*head, *chunks[0], context(f"Continued in the thread: part 1 of {total}.")],
        }
    ]
    for k, chunk in enumerate(chunks[1:], start=2):
        label = f"{title} (continued, part {k} of {total})"
        messages.append({"text": label, "blocks": [context(label), *chunk]})
    return messages


# ------------------------------------------------------------------------- board


def _board_line(line: RepLine) -> str:
    parts: list[str] = []
    for p in line.week.progress:
        if p.asks:
            assert p.goal is not None
            tally = f"{p.done}/{p.goal} {p.activity.plural}"
            parts.append(f"{tally} ✅" if p.met else f"{tally} {_mini_bar(p.done, p.goal)}")
        elif p.done:
            parts.append(p.activity.quantity(p.done))
    if not parts:
        parts.append("no goal this week" if line.week.workdays_present == 0 else "nothing yet")
    away = line.week.away_days
    if away > 0:
        parts.append(f"_away {_days(away)}_")
    if line.week.before_joining:
        parts.append("_joined this week_")
    return f"*{line.label}* — " + " · ".join(parts)


Holidays = Sequence[tuple[date, str]]
"""The team's holidays on a week's workdays, as ``TeamCalendar.workday_holidays``."""


def holiday_note(week: RepWeek) -> str | None:
    """Why a rep's goals shrank for the team's holidays, or None."""
    if not week.holidays:
        return None
    return (
        f"This week has {_days(week.holidays)} of team holidays, so goals are prorated "
        f"to the {_days(week.workdays_present)} left."
    )


def _short_week(holidays: Holidays) -> list[Block]:
    note = short_week_note(holidays)
    return [context(f"📅 {escape(note)}")] if note else []


def board(
    day: date, lines: Sequence[RepLine], holidays: Holidays = (), *, in_channel: bool = True
) -> Message:
    """The daily huddle post: every rep's week to date, sorted by name; a short week
    names its holidays (``short week: Thu 26 Nov Thanksgiving Day``).

    A pure function of the data so it can be rebuilt and updated in place. A team too
    large for one message (Slack refuses about 12,000 characters of blocks, so roughly
    150 reps) shows the first reps by name and says how many more there are.
    ``in_channel`` False leaves out the hint about the channel thread (the App Home).
    """
    title = f"Daily huddle · {_day(day)}"
    reps = sorted(lines, key=lambda line: line.sort_name)
    commands = " · ".join(f"`{a.command}`" for a in activities_of(reps))
    hint = context(
        f"Log with {commands} (or `/log` and the activity). "
        "Today's check-ins appear in this thread."
    )
    if not reps:
        body = [section("No reps on the board yet: join this channel to be on the team.")]
        tail = [hint] if in_channel else []
        return {"text": f"{title}: no reps yet.", "blocks": [header(title), *body, *tail]}

    rows = [_board_line(line) for line in reps]
    short = _short_week(holidays)
    budget = MESSAGE_TEXT_BUDGET - text_size([header(title), hint, *short]) - _NOTE_RESERVE
    shown, used = 0, 0
    for row in rows:
        used += len(row) + 1
        if used > budget:
            break
        shown += 1
    body = sections(rows[:shown])
    if shown < len(rows):
        body.append(
            context(
                f"…and {len(rows) - shown} more reps: too many for one message. "
                "`/progress` shows anyone's week."
            )
        )

    with_goals = [line for line in reps if line.week.has_goals]
    at_goal = sum(1 for line in with_goals if not line.week.short)
    text = f"{title}: {at_goal} of {len(with_goals)} reps with goals are at goal so far."
    blocks = [header(title), *short, *body, *([hint] if in_channel else [])]
    return {"text": text, "blocks": blocks}


# ------------------------------------------------------------------------- nudge


def log_button(activity: Activity, action_id: str) -> Block:
    """**Log a meeting**: the nudge's and the App Home's button (value: the key)."""
    article = "an" if activity.singular[:1].lower() in "aeiou" else "a"
    label = f"Log {article} {activity.singular}"
    if len(label) > _BUTTON_TEXT_LIMIT:
        label = label[: _BUTTON_TEXT_LIMIT - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": activity.key,
    }


def nudge(line: RepLine, summary_label: str) -> Message:
    """Thursday's private DM: exactly what is left per unmet goal, with log buttons."""
    name = line.label
    when = escape(summary_label)
    short = line.week.short
    if not short:
        text = f"Hi {name} — you've hit every goal this week. 🎉"
        return {"text": text, "blocks": [section(text)]}

    intro = f"Hi {name} — to hit this week's goals before {when}:"
    bullets = [f"• *{p.activity.quantity(p.left)}* to go ({p.done} of {p.goal})" for p in short]
    phrases = [f"{p.activity.quantity(p.left)} to go ({p.done} of {p.goal})" for p in short]
    blocks: list[Block] = [section("\n".join([intro, *bullets]))]
    away = line.week.away_days
    if away > 0:
        blocks.append(
            context(
                f"You're away {_days(away)} this week, so your goals are prorated to the "
                f"{_days(line.week.workdays_present)} you're here."
            )
        )
    elif line.week.before_joining:
        blocks.append(
            context(
                "You joined the team this week, so your goals are prorated to the "
                f"{_days(line.week.workdays_present)} since."
            )
        )
    elif (note := holiday_note(line.week)) is not None:
        blocks.append(context(note))
    buttons = [log_button(p.activity, nudge_action_id(p.activity.key)) for p in short]
    for i in range(0, len(buttons), _BUTTONS_PER_ACTIONS):
        blocks.append({"type": "actions", "elements": buttons[i : i + _BUTTONS_PER_ACTIONS]})
    text = f"Hi {name} — to hit this week's goals before {when}: " + "; ".join(phrases) + "."
    return {"text": text, "blocks": blocks}


def team_nudge(parts: Sequence[tuple[str, RepLine, str]], *, several_teams: bool) -> Message:
    """One nudge for a rep on several teams: what is left on each (channel, line,
    summary label), with one log button per activity, since a check-in counts on
    every team that counts it. A rep on one team gets exactly :func:`nudge`; one on
    ``several_teams`` is told which team each part is for, even when only one is left."""
    if len(parts) == 1 and not several_teams:
        _, line, label = parts[0]
        return nudge(line, label)
    name = parts[0][1].label
    intro = f"Hi {name} — to hit this week's goals on each of your teams:"
    blocks: list[Block] = [section(intro)]
    phrases: list[str] = []
    buttons: dict[str, Block] = {}
    for channel, line, label in parts:
        short = line.week.short
        bullets = [f"• *{p.activity.quantity(p.left)}* to go ({p.done} of {p.goal})" for p in short]
        blocks.append(section("\n".join([f"<#{channel}> (before {escape(label)}):", *bullets])))
        phrases.append(
            f"<#{channel}>: "
            + "; ".join(
                f"{p.activity.quantity(p.left)} to go ({p.done} of {p.goal})" for p in short
            )
        )
        for p in short:
            buttons.setdefault(
                p.activity.key, log_button(p.activity, nudge_action_id(p.activity.key))
            )
    row = list(buttons.values())
    for i in range(0, len(row), _BUTTONS_PER_ACTIONS):
        blocks.append({"type": "actions", "elements": row[i : i + _BUTTONS_PER_ACTIONS]})
    return {"text": f"{intro} " + " · ".join(phrases) + ".", "blocks": blocks}


# ----------------------------------------------------------------------- summary


def _result_parts(week: RepWeek, *, only_missed: bool = False) -> list[str]:
    parts: list[str] = []
    for p in week.progress:
        name = p.activity.plural
        if p.asks:
            if p.left:
                parts.append(f"{name} {p.done}/{p.goal} ({p.left} short)")
            elif not only_missed:
                parts.append(f"{name} {p.done}/{p.goal}")
        elif p.done and not only_missed:
            parts.append(f"{name} {p.done}")
    return parts


def _result_line(line: RepLine) -> str:
    week = line.week
    if not week.has_goals:
        mark, parts = "➖", _result_parts(week) or ["no goal this week"]
    else:
        mark = "❌" if week.short else "✅"
        parts = _result_parts(week)
    return f"{mark} {line.label} — " + " · ".join(parts)


def _totals(lines: Sequence[RepLine]) -> list[str]:
    rows: list[str] = []
    for activity in activities_of(lines):
        done = goal = 0
        for line in lines:
            for p in line.week.progress:
                if p.activity.key == activity.key:
                    done += p.done
                    goal += p.goal if p.asks and p.goal is not None else 0
        label = activity.plural.capitalize()
        if goal:
            rows.append(f"*{label}*: {done}/{goal} · {done * 100 // goal}%")
        elif done:
            rows.append(f"*{label}*: {done} (no goal)")
    return rows


def summary_title(week: date) -> str:
    return f"Week of {_day(week_start(week))} — results"


def digest_title(week: date) -> str:
    return f"Manager digest · week of {_day(week_start(week))}"


def team_share(lines: Iterable[RepLine]) -> float | None:
    """The team's week in one number: the average share of goal met (capped per
    activity, see ``RepWeek.share_met``) of the reps with a goal; None when nobody had
    one. The summary states it and its chart draws it, week by week."""
    shares = [line.week.share_met for line in lines if line.week.has_goals]
    return sum(shares) / len(shares) if shares else None


def summary_order(lines: Sequence[RepLine]) -> list[RepLine]:
    """The summary's order, for its text and its chart alike: by share of goal met,
    reps with no goal that week (or away all of it) last."""
    return sorted(
        lines,
        key=lambda line: (not line.week.has_goals, -line.week.share_met, *line.sort_name),
    )


def summary(
    week: date,
    lines: Sequence[RepLine],
    holidays: Holidays = (),
    *,
    blocks_per_message: int = 50,
) -> list[Message]:
    """Friday's channel post: team totals, each rep against goal by share met, who was
    away; a short week names its holidays, a week of holidays says so. The first
    message is the parent; any others belong in its thread."""
    title = summary_title(week)
    with_goals = [line for line in lines if line.week.has_goals]
    hit = sum(1 for line in with_goals if not line.week.short)
    average = team_share(lines)
    if len(holidays) >= WORKDAYS:
        headline = "Every workday this week was a team holiday: no goals, nothing to judge."
    elif with_goals and average is not None:
        headline = (
            f"{hit} of {len(with_goals)} reps hit every goal; "
            f"on average reps met {percent(average)} of their goals."
        )
    elif lines:
        headline = "No goals were set this week."
    else:
        headline = "No reps on the team this week."

    head: list[Block] = [
        header(title),
        *_short_week(holidays),
        *sections(["*Team totals*", *_totals(lines), headline] if lines else [headline]),
    ]
    ranked = summary_order(lines)
    body: list[Block] = []
    if ranked:
        body.append({"type": "divider"})
        body += sections(_result_line(line) for line in ranked)
    away = sorted(
        (line for line in lines if line.week.away_days > 0),
        key=lambda line: line.sort_name,
    )
    if away:
        names = [f"{line.label} ({_days(line.week.away_days)})" for line in away]
        names[0] = f"*Away this week:* {names[0]}"
        body += sections(names, sep=", ")

    text = f"{title}: {headline}"
    return _split(head, body, title=title, text=text, blocks_per_message=blocks_per_message)


# ------------------------------------------------------------------------ digest


def _misses(line: RepLine, patterns: Mapping[str, int]) -> int:
    return max(1, min(PATTERN_WEEKS, patterns.get(line.user_id, 1)))


def digest_groups(
    missed: Sequence[RepLine], patterns: Mapping[str, int]
) -> tuple[list[RepLine], list[RepLine]]:
    """(pattern, one-off): the digest's two groups, worst shortfall first in each so
    the biggest gaps lead; its text and its chart show reps in this order."""
    ranked = sorted(missed, key=lambda line: (line.week.share_met, *line.sort_name))
    pattern = [line for line in ranked if _misses(line, patterns) >= PATTERN_MISSES]
    one_off = [line for line in ranked if _misses(line, patterns) < PATTERN_MISSES]
    return pattern, one_off


def digest(
    week: date,
    missed: Sequence[RepLine],
    patterns: Mapping[str, int],
    *,
    channel: str | None = None,
    out_of_office: Collection[str] = frozenset(),
    blocks_per_message: int = 50,
) -> list[Message]:
    """The managers' DM: who missed which goal this week, and who of them has a pattern
    (missed in 3 or more of the last 4 weeks) rather than a one-off; a rep not nudged
    because their Slack status said out of office (``out_of_office``) is marked so.
    ``channel`` names the team, for a manager of several.

    ``patterns[user_id]`` counts the weeks missed among the last four, this one included;
    a rep absent from it counts as missing this week only.
    """
    start = week_start(week)
    title = digest_title(week)
    team = [context(f"Team <#{channel}>")] if channel else []
    if not missed:
        text = (
            f"🎉 Nobody missed a goal in the week of {_day(start)}: every rep with a goal hit it."
        )
        return [{"text": text, "blocks": [header(title), *team, section(text)]}]

    def missed_line(line: RepLine) -> str:
        what = " · ".join(_result_parts(line.week, only_missed=True)) or "a goal"
        times = _misses(line, patterns)
        quiet = (
            " · not nudged: out of office (Slack status)" if line.user_id in out_of_office else ""
        )
        return f"• {line.label} — {what} · missed {times} of the last {PATTERN_WEEKS} weeks{quiet}"

    pattern, one_off = digest_groups(missed, patterns)

    headline = (
        f"{len(missed)} {'rep' if len(missed) == 1 else 'reps'} missed a goal this week: "
        f"{len(pattern)} with a pattern, {len(one_off)} one-off."
    )
    head: list[Block] = [header(title), *team, section(f"*{headline}*")]
    body: list[Block] = [
        {"type": "divider"},
        *sections(
            [
                "*Missed a goal this week — pattern (missed in "
                f"{PATTERN_MISSES} or more of the last {PATTERN_WEEKS} weeks):*",
                *([missed_line(line) for line in pattern] or ["nobody"]),
            ]
        ),
        *sections(
            [
                "*Missed a goal this week — one-off (one or two misses are not a pattern):*",
                *([missed_line(line) for line in one_off] or ["nobody"]),
            ]
        ),
    ]
    text = f"{title}: {headline}"
    return _split(head, body, title=title, text=text, blocks_per_message=blocks_per_message)
