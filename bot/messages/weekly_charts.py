"""The Friday summary's and the managers' digest's charts, from the same rep lines as
their text.

The one place where the planner's lines become the charts' inputs, so a picture shows
the reps its text shows, in the text's order, with the text's numbers: a bar is a
rep's done/goal for an activity (the text's "4/6"), the team's week is the reps'
average share of goal met (the summary's headline), a digest point is a rep's share
of goal met that week. Pure: the inputs are data, and rendering them (a second of CPU
for a big team) is left to whoever holds a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.goals import ActivityProgress, RepWeek
from bot.domain.weeks import week_start
from bot.messages.charts import (
    RepShare,
    Share,
    summary_alt_text,
    summary_chart,
    trend_alt_text,
    trend_chart,
)
from bot.messages.weekly import (
    RepLine,
    activities_of,
    digest_groups,
    summary_order,
    summary_title,
    team_share,
)

CHART_WEEKS = 8
"""Weeks of history in the summary's team panel and in each digest strip."""

Judged = Callable[[date], Sequence[RepLine]]
"""The lines of the reps judged in a week (those who had joined by then)."""


@dataclass(frozen=True)
class SummaryChart:
    """:func:`~bot.messages.charts.summary_chart`'s arguments."""

    title: str
    activities: tuple[str, ...]
    reps: tuple[RepShare, ...]
    history: tuple[tuple[str, Share], ...]

    def png(self) -> bytes:
        return summary_chart(self.title, self.activities, self.reps, self.history)

    def alt_text(self) -> str:
        return summary_alt_text(self.title, self.activities, self.reps, self.history)


@dataclass(frozen=True)
class TrendChart:
    """:func:`~bot.messages.charts.trend_chart`'s arguments."""

    title: str
    weeks: tuple[str, ...]
    reps: tuple[tuple[str, tuple[Share, ...]], ...]
    axis: tuple[str, ...] = ()
    """The weeks as the picture labels them (``weeks`` when empty): short enough that
    eight fit side by side on a phone."""

    def png(self) -> bytes:
        return trend_chart(self.title, self.axis or self.weeks, self.reps)

    def alt_text(self) -> str:
        return trend_alt_text(self.title, self.weeks, self.reps)


Chart = SummaryChart | TrendChart


def activity_share(progress: ActivityProgress) -> Share:
    """done/goal, uncapped (the chart caps the bar, its label says the number)."""
    if not progress.asks or progress.goal is None:
        return None
    return progress.done / progress.goal


def week_share(week: RepWeek | None) -> Share:
    """A rep's share of goal met in a week; None without a goal or before joining."""
    if week is None or not any(p.asks for p in week.progress):
        return None
    return week.share_met


def rep_share(line: RepLine) -> RepShare:
    return RepShare(
        name=line.name,
        shares={p.activity.plural: activity_share(p) for p in line.week.progress},
        away=line.week.away_days > 0,
    )


def week_label(week: date) -> str:
    """A week on a chart's axis: its Monday, "23 Nov"."""
    return f"{week:%-d %b}"


def axis_labels(weeks: Sequence[date]) -> tuple[str, ...]:
    """ "15 Dec", "22", "29", "5 Jan", …: the month only where it changes."""
    return tuple(
        week_label(w) if i == 0 or w.month != weeks[i - 1].month else f"{w:%-d}"
        for i, w in enumerate(weeks)
    )


def _weeks(week: date) -> list[date]:
    """The :data:`CHART_WEEKS` Mondays up to ``week``'s, oldest first."""
    start = week_start(week)
    return [start - timedelta(weeks=i) for i in range(CHART_WEEKS - 1, -1, -1)]


def summary_chart_of(week: date, lines: Sequence[RepLine], judged: Judged) -> SummaryChart:
    """The summary's chart: ``lines`` (the text's) in the text's order, a bar for each
    activity someone had a goal for, and the team's share of goal for each of the last
    :data:`CHART_WEEKS` weeks."""
    return SummaryChart(
        title=summary_title(week),
        activities=tuple(
            a.plural
            for a in activities_of(lines)
            if any(line.week.of(a.key).asks for line in lines)
        ),
        reps=tuple(rep_share(line) for line in summary_order(lines)),
        history=tuple(
            (week_label(w), team_share(lines if w == week_start(week) else judged(w)))
            for w in _weeks(week)
        ),
    )


def trend_chart_of(
    week: date, missed: Sequence[RepLine], patterns: dict[str, int], judged: Judged
) -> TrendChart:
    """The digest's chart: each rep who missed, in the digest's order, over the last
    :data:`CHART_WEEKS` weeks (``missed`` and ``patterns`` as for the digest)."""
    weeks = _weeks(week)
    by_week = [{line.user_id: line.week for line in judged(w)} for w in weeks]
    pattern, one_off = digest_groups(missed, patterns)
    return TrendChart(
        title=f"Who missed · {CHART_WEEKS} weeks to {week_label(week_start(week))}",
        weeks=tuple(week_label(w) for w in weeks),
        axis=axis_labels(weeks),
        reps=tuple(
            (line.name, tuple(week_share(weeks_of.get(line.user_id)) for weeks_of in by_week))
            for line in [*pattern, *one_off]
        ),
    )
