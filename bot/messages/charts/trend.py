"""The managers' digest chart: each rep's share of goal over the last weeks.

One strip per rep, in the caller's order: a dot for a week at goal, a cross labelled
with the share for a week short of it (shape as well as colour), a gap for a week
without goal or away, the goal dashed, and under the name how many of the weeks were
missed, which is what a manager looks for: a pattern rather than a one-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import nan

from matplotlib.axes import Axes

from bot.messages.charts import drawing as d
from bot.messages.charts.rows import Share, misses, percent, series, shown, weeks_count

_STRIP_IN = 1.45
_CAP = 1.25
"""Points stop at 125%: misses sit below 100%, so that range gets the height; the
label still says the real number."""
_LEGEND = (
    ("met goal", d.Key("o", d.BLUE)),
    ("missed goal", d.Key("X", d.VERMILLION)),
    ("goal (100%)", d.Key("--")),
    ("gap: no goal", d.Key(None)),
)


class _Marks:
    """Every strip's points, gathered so the whole chart is a handful of artists
    (an artist per point costs a millisecond each to draw)."""

    def __init__(self) -> None:
        self.line: list[float] = []
        self.line_x: list[float] = []
        self.met: tuple[list[float], list[float]] = ([], [])
        self.missed: tuple[list[float], list[float]] = ([], [])
        self.goals: list[float] = []

    def draw(self, ax: Axes, weeks: int) -> None:
        ax.hlines(
            self.goals, -0.35, weeks - 0.65, colors=d.INK, linestyles="--", linewidth=1.5, zorder=1
        )
        ax.plot(self.line_x, self.line, color=d.MUTED, linewidth=2, zorder=2)
        for (xs, ys), marker, size, color in (
            (self.met, "o", 13, d.BLUE),
            (self.missed, "X", 16, d.VERMILLION),
        ):
            ax.plot(
                xs,
                ys,
                linestyle="none",
                marker=marker,
                markersize=size,
                color=color,
                markeredgecolor="white",
                zorder=3,
            )


def _strip(ax: Axes, y: int, shares: Sequence[Share], top: float, marks: _Marks) -> None:
    """One rep's weeks in row ``y``. Only misses are labelled, below their cross, clear
    of the goal line: by how much is what a manager asks; a dot says "met" already."""

    def height(share: float) -> float:  # rows count down: a higher share, a smaller y
        return y + 0.27 - 0.54 * min(share, top) / top

    marks.goals.append(height(1.0))
    marks.line_x += [*range(len(shares)), nan]
    marks.line += [*(nan if s is None else height(s) for s in shares), nan]
    for x, share in enumerate(shares):
        if share is None:
            continue
        met = share >= 1
        xs, ys = marks.met if met else marks.missed
        xs.append(x)
        ys.append(height(share))
        if not met:
            d.text(
                ax,
                x,
                height(share) + 0.07,
                percent(share),
                d.NOTE_PT,
                face=d.BOLD,
                ha="center",
                va="top",
            )


def trend_chart(
    title: str, weeks: Sequence[str], reps: Sequence[tuple[str, Sequence[Share]]]
) -> bytes:
    """The managers' digest PNG: each rep's share of goal per week of ``weeks`` (labels
    such as "W48", this week last), a strip per rep in the order given. A rep's shares
    follow ``weeks``; None is a week without goal (or away all of it)."""
    rows = list(shown([(name, series(shares, len(weeks))) for name, shares in reps]).rows())
    rows = rows or ["Nobody to show."]
    rows_top = d.TITLE_IN + d.legend_in(len(_LEGEND)) + 0.1 + d.TICKS_IN
    canvas = d.Canvas(rows_top + _STRIP_IN * len(rows) + d.TICKS_IN + d.FOOT_IN)
    canvas.title(title)
    d.legend(canvas, d.TITLE_IN, _LEGEND)

    ax = canvas.rows(rows_top, len(rows), _STRIP_IN)
    ax.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    labels = [d.fit(week, 80, d.NOTE_PT) for week in weeks]
    ax.set_xticks(range(len(weeks)), labels, fontproperties=d.font(d.NOTE_PT), parse_math=False)
    ax.tick_params(axis="x", labeltop=True, labelbottom=True)
    drawn = [row for row in rows if not isinstance(row, str)]
    top = d.upper([s for _, shares in drawn for s in shares], _CAP)
    marks = _Marks()
    for y, row in enumerate(rows):
        if isinstance(row, str):
            d.gap(ax, y, row)
            continue
        name, shares = row
        missed, counted = misses(shares)
        d.name(
            ax,
            y,
            name,
            f"missed {missed} of {weeks_count(counted)}" if counted else "no goal",
            _STRIP_IN,
        )
        _strip(ax, y, shares, top, marks)
    marks.draw(ax, len(weeks))
    return canvas.png()
