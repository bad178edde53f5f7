"""The Friday summary's chart: the team's last weeks on top, then every rep's week.

The team panel comes first, as the team totals do in the message text, and it keeps
its place and size however large the team; the reps follow in the caller's order (the
text's: by share of goal met). Each rep gets one bar per activity against a dashed goal
line at 100%, labelled with the number, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from bot.messages.charts import drawing as d
from bot.messages.charts.rows import SHARE_CAP, RepShare, Share, known, percent, shown

_TEAM_IN = 2.6
_BAR_IN = 0.27
_LABEL_ROOM = 1.25  # the x axis runs past the longest bar by this factor, for its label


def _bar_label(share: float) -> str:
    return percent(share) + (" ▸" if share > SHARE_CAP else "")


def _team_in(history: Sequence[tuple[str, Share]]) -> float:
    return d.HEADING_IN + _TEAM_IN + d.TICKS_IN + 0.3 if history else 0.0


def _team(canvas: d.Canvas, top_in: float, history: Sequence[tuple[str, Share]]) -> None:
    """The team's share of goal week by week, this week last, darker and bold."""
    weeks = [(label, known(share)) for label, share in history]
    now = weeks[-1][1]
    heading = (
        "Team: no goal this week" if now is None else f"Team: {percent(now)} of goal this week"
    )
    canvas.heading(top_in, heading)
    ax = canvas.axes(top_in + d.HEADING_IN, _TEAM_IN, left=0.1)
    top = d.upper([share for _, share in weeks], SHARE_CAP)
    ax.set_ylim(0, top * 1.2)
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    d.goal_line(ax, vertical=False)
    d.text(ax, -0.01, 1.0, "goal", d.NOTE_PT, transform=d.margin(ax), ha="right", va="center")
    boxes = []
    for i, (_, share) in enumerate(weeks):
        this_week = i == len(weeks) - 1
        if share is None:
            d.text(
                ax,
                i,
                0.04 * top,
                "no goal",
                d.NOTE_PT,
                face=d.ITALIC,
                color=d.MUTED,
                ha="center",
                va="bottom",
            )
            continue
        height = min(share, SHARE_CAP)
        boxes.append((i - 0.35, 0.0, i + 0.35, height, d.BLUE if this_week else d.SKY))
        d.text(
            ax,
            i,
            height + 0.03 * top,
            _bar_label(share),
            d.VALUE_PT,
            backed=True,
            face=d.BOLD if this_week else d.REGULAR,
            ha="center",
            va="bottom",
        )
    d.bars(ax, boxes)
    labels = [d.fit(label, 100, d.NOTE_PT) for label, _ in weeks]
    ax.set_xticks(range(len(weeks)), labels, fontproperties=d.font(d.NOTE_PT), parse_math=False)
    ax.get_xticklabels()[-1].set_fontproperties(d.font(d.NOTE_PT, d.BOLD))


def _crosses_goal(start: float, label: str, top: float) -> bool:
    """Whether a bar label starting at ``start`` would run over the goal line (then it
    gets a white backing; giving every label one costs a fifth of the drawing time)."""
    px_per_share = (d.RIGHT - d.NAME_EDGE) * d.WIDTH_IN * d.DPI / (top * _LABEL_ROOM)
    if not 0 < (1.0 - start) * px_per_share < 150:  # no label is that wide: skip measuring
        return False
    return start + d.width_px(label, d.VALUE_PT) / px_per_share > 1.0


def _row_in(activities: int) -> float:
    return max(0.8, _BAR_IN * activities + 0.34)


def _percent_axis(ax: Axes, top: float) -> None:
    """Ticks every 50%, along the top as well: a tall chart's bottom is far away."""
    steps = [i / 2 for i in range(int(top * 2 + 1e-9) + 1)]
    ax.set_xlim(0, top * _LABEL_ROOM)
    ax.set_xticks(steps, [percent(s) for s in steps], fontproperties=d.font(d.NOTE_PT))
    ax.tick_params(axis="x", labeltop=True, labelbottom=True)
    ax.grid(axis="x", color=d.RULE, linewidth=1)
    ax.set_axisbelow(True)


def _rep(
    ax: Axes, y: int, rep: RepShare, activities: Sequence[str], row_in: float, top: float
) -> list[tuple[float, float, float, float, str]]:
    """Draws a rep's name and labels; returns their bars for one collection."""
    d.name(ax, y, rep.name, "away" if rep.away else None, row_in)
    shares = rep.known(activities)
    if all(share is None for share in shares):
        d.text(
            ax,
            0.02 * top,
            y,
            "no goal this week",
            d.VALUE_PT,
            face=d.ITALIC,
            color=d.MUTED,
            va="center",
        )
        return []
    bar, boxes = _BAR_IN / row_in, []
    for j, share in enumerate(shares):
        at = y + (j - (len(shares) - 1) / 2) * bar
        if share is None:
            d.text(
                ax, 0.02 * top, at, "no goal", d.NOTE_PT, face=d.ITALIC, color=d.MUTED, va="center"
            )
            continue
        width = min(share, SHARE_CAP)
        boxes.append((0.0, at - 0.43 * bar, width, at + 0.43 * bar, d.PALETTE[j % len(d.PALETTE)]))
        label, start = _bar_label(share), width + 0.015 * top
        d.text(
            ax, start, at, label, d.VALUE_PT, backed=_crosses_goal(start, label, top), va="center"
        )
    return boxes


def summary_chart(
    title: str,
    activities: Sequence[str],
    reps: Sequence[RepShare],
    history: Sequence[tuple[str, Share]],
) -> bytes:
    """The Friday summary's PNG: the team's share of goal per week of ``history``
    (label such as "W48", share; this week last; empty leaves the panel out) above
    each rep's share of goal per activity this week, in the order given. More than
    :data:`~bot.messages.charts.rows.MAX_ROWS` reps: the first and last halves."""
    rows = list(shown(reps).rows()) or ["No reps on the team this week."]
    palette = d.PALETTE
    legend = [(label, d.Key("s", palette[i % len(palette)])) for i, label in enumerate(activities)]
    legend.append(("goal (100%)", d.Key("--")))
    row_in = _row_in(len(activities))
    reps_top = d.TITLE_IN + _team_in(history)
    rows_top = reps_top + d.HEADING_IN + d.legend_in(len(legend)) + d.TICKS_IN
    canvas = d.Canvas(rows_top + row_in * len(rows) + d.TICKS_IN + d.FOOT_IN)
    canvas.title(title)
    if history:
        _team(canvas, d.TITLE_IN, history)
    canvas.heading(reps_top, "Each rep: share of goal this week")
    d.legend(canvas, reps_top + d.HEADING_IN, legend)

    ax = canvas.rows(rows_top, len(rows), row_in)
    drawn = [row for row in rows if isinstance(row, RepShare)]
    top = d.upper([s for rep in drawn for s in rep.known(activities)], SHARE_CAP)
    _percent_axis(ax, top)
    d.goal_line(ax, vertical=True)
    boxes = []
    for y, row in enumerate(rows):
        if isinstance(row, str):
            d.gap(ax, y, row)
        else:
            boxes += _rep(ax, y, row, activities, row_in, top)
    d.bars(ax, boxes)
    return canvas.png()
