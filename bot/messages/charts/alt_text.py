"""The charts in words, for screen readers (Slack's ``alt_txt``, at most 1,000
characters): what kind of chart, the team's number, then every rep shown, in as much
detail as fits. Reps are named in full here, whatever the script: a screen reader is
not limited to the fonts the picture uses."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.charts.rows import (
    RepShare,
    Share,
    known,
    misses,
    percent,
    series,
    shown,
    weeks_count,
)

ALT_TEXT_LIMIT = 1000
"""Slack's limit on a file's ``alt_txt``."""
_NAME_LIMIT = 60


def _spoken(name: str) -> str:
    name = " ".join(name.split()) or "?"
    return name if len(name) <= _NAME_LIMIT else name[: _NAME_LIMIT - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _within(head: str, levels: Sequence[Sequence[str]]) -> str:
    """``head``, then the first level of detail whose items all fit in
    :data:`ALT_TEXT_LIMIT`; failing all, as many of the last (briefest) level's items
    as fit and how many more there are."""

    def join(items: Sequence[str]) -> str:
        return f"{head} {'; '.join(items)}." if items else head

    for items in levels:
        if len(join(items)) <= ALT_TEXT_LIMIT:
            return join(items)
    last = levels[-1]
    for keep in range(len(last) - 1, -1, -1):
        text = join([*last[:keep], f"and {len(last) - keep} more"])
        if len(text) <= ALT_TEXT_LIMIT:
            return text
    return head[: ALT_TEXT_LIMIT - 1] + "…"


def _team(history: Sequence[tuple[str, Share]]) -> str:
    shares = [known(share) for _, share in history]
    if not shares:
        return ""
    now = shares[-1]
    if now is None:
        return " Team: no goal this week."
    goaled = [s for s in shares if s is not None]
    trend = f"; {len(shares)}-week trend from {percent(goaled[0])} to {percent(now)}"
    return f" Team: {percent(now)} of goal this week{trend if len(goaled) > 1 else ''}."


def summary_alt_text(
    title: str,
    activities: Sequence[str],
    reps: Sequence[RepShare],
    history: Sequence[tuple[str, Share]],
) -> str:
    """:func:`~bot.messages.charts.summary.summary_chart` in words, same arguments."""
    head = f"Bar chart: {_one_line(title)}.{_team(history)}"
    if not reps:
        return f"{head} No reps on the team this week."
    head += " Each rep's share of goal this week, 100% being the goal:"

    def who(rep: RepShare) -> str:
        return _spoken(rep.name) + (" (away part of the week)" if rep.away else "")

    def detail(rep: RepShare) -> str:
        shares = rep.known(activities)
        if all(s is None for s in shares):
            return f"{who(rep)}: no goal"
        parts = (
            f"{a} {'no goal' if s is None else percent(s)}"
            for a, s in zip(activities, shares, strict=True)
        )
        return f"{who(rep)}: " + ", ".join(parts)

    def brief(rep: RepShare) -> str:
        goaled = [s for s in rep.known(activities) if s is not None]
        if not goaled:
            return f"{who(rep)} no goal"
        return f"{who(rep)} " + (
            "at goal" if min(goaled) >= 1 else f"lowest {percent(min(goaled))}"
        )

    rows = shown(reps)
    return _within(head, [rows.described(f) for f in (detail, brief, lambda r: _spoken(r.name))])


def trend_alt_text(
    title: str, weeks: Sequence[str], reps: Sequence[tuple[str, Sequence[Share]]]
) -> str:
    """:func:`~bot.messages.charts.trend.trend_chart` in words, same arguments."""
    span = f", {weeks[0]} to {weeks[-1]}" if weeks else ""
    head = f"Line chart: {_one_line(title)}. Each rep's share of weekly goal{span}"
    if not reps:
        return f"{head}: nobody to show."
    head += "; a cross marks a week short of goal, a gap a week without goal:"
    Rep = tuple[str, Sequence[Share]]

    def detail(rep: Rep) -> str:
        marks = (
            f"{w} {'no goal' if s is None else percent(s)}"
            for w, s in zip(weeks, rep[1], strict=True)
        )
        return f"{_spoken(rep[0])}: " + ", ".join(marks)

    def brief(rep: Rep) -> str:
        missed, counted = misses(rep[1])
        now = rep[1][-1] if rep[1] else None
        this_week = "no goal" if now is None else percent(now)
        return (
            f"{_spoken(rep[0])}: this week {this_week}, missed {missed} of {weeks_count(counted)}"
        )

    rows = shown([(name, series(shares, len(weeks))) for name, shares in reps])
    return _within(head, [rows.described(f) for f in (detail, brief, lambda r: _spoken(r[0]))])
