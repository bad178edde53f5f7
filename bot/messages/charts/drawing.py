"""The charts' drawing kit: fonts, fitted labels, a figure laid out in inches, legends.

Everything goes through matplotlib's object API on an Agg canvas (never ``pyplot``): no
global figure state, nothing to close, safe in a worker thread. Every text uses the
DejaVu Sans files that ship inside matplotlib, at a fixed DPI, and is never read as
mathtext, so a user's matplotlibrc, the fonts installed, or a "$" in a name change
nothing; the PNG carries no version or time, so the same numbers give the same bytes.

Sizes are for phones: the figure is 1,000 px wide and its smallest text (16 pt at
100 DPI, 22 px) is still about 9 px tall when Slack shows the image 400 px wide.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, get_font
from matplotlib.lines import Line2D
from matplotlib.transforms import Transform, blended_transform_factory

from bot.messages.charts.rows import Share

DPI = 100
WIDTH_IN = 10.0  # 1,000 px
LEFT, RIGHT = 0.03, 0.97  # figure margins, as shares of the width
NAME_EDGE = 0.30  # where rep axes start: names go left of it
_NAME_PAD_IN = 0.15

# Okabe & Ito (2008), "Color Universal Design": told apart with every common
# colour-vision deficiency. Their yellow is left out: too faint on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
BLUE, SKY, VERMILLION = "#0072B2", "#56B4E9", "#D55E00"
INK, MUTED, RULE = "#222222", "#666666", "#DDDDDD"

TITLE_PT, HEADING_PT, LABEL_PT, VALUE_PT, NOTE_PT = 26, 21, 20, 17, 16
TITLE_IN, HEADING_IN, TICKS_IN, FOOT_IN = 0.95, 0.55, 0.5, 0.25
_LEGEND_PER_ROW, _LEGEND_ROW_IN = 4, 0.45

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = _FONTS / "DejaVuSans.ttf"
BOLD = _FONTS / "DejaVuSans-Bold.ttf"
ITALIC = _FONTS / "DejaVuSans-Oblique.ttf"
_MISSING_LETTER = "□"  # what DejaVu Sans draws for a letter it lacks, minus the warning
_PNG_COMPRESSION = 3  # zlib level: a tall chart's PNG in a quarter of the default's time


# ------------------------------------------------------------------------ labels


@cache
def _glyphs() -> frozenset[int]:
    return frozenset(get_font(REGULAR).get_charmap())


def drawable(text: str) -> str:
    """``text`` on one line as DejaVu Sans can draw it: a letter it lacks (CJK, say)
    becomes a box, as matplotlib would draw it but without a warning per glyph; other
    characters it lacks (most emoji, joiners) are dropped."""
    glyphs = _glyphs()
    kept = (
        ch if ord(ch) in glyphs else _MISSING_LETTER
        for ch in " ".join(unicodedata.normalize("NFC", text).split())
        if ord(ch) in glyphs or unicodedata.category(ch)[0] in "LN"
    )
    return " ".join("".join(kept).split())


def width_px(text: str, size: float, font: Path = REGULAR) -> float:
    face = get_font(font)  # matplotlib keeps one per thread
    face.set_size(size, DPI)
    face.set_text(text, 0.0)
    return float(face.get_width_height()[0]) / 64  # 26.6 fixed point


def fit(text: str, max_px: float, size: float, font: Path = REGULAR) -> str:
    """``text`` made drawable and cut with "…" to at most ``max_px`` wide."""
    text = drawable(text)
    if width_px(text, size, font) <= max_px:
        return text
    lo, hi = 0, len(text)  # the longest prefix that fits with the ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width_px(text[:mid].rstrip() + "…", size, font) <= max_px:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


NAME_PX = WIDTH_IN * DPI * (NAME_EDGE - LEFT) - _NAME_PAD_IN * DPI
_FULL_PX = WIDTH_IN * DPI * (RIGHT - LEFT)


def name_label(name: str) -> str:
    """A rep's name as the charts print it: one line, cut with "…" to fit the margin."""
    return fit(name, NAME_PX, LABEL_PT) or "?"


# ------------------------------------------------------------------------ drawing


def font(size: float, path: Path = REGULAR) -> FontProperties:
    return FontProperties(fname=path, size=size)


def text(
    ax: Axes,
    x: float,
    y: float,
    label: str,
    size: float,
    *,
    face: Path = REGULAR,
    color: str = INK,
    backed: bool = False,
    transform: Transform | None = None,
    **kw: Any,
) -> None:
    """A label in ``ax`` (data coordinates unless ``transform``), above lines and bars;
    ``backed`` sets it on white, so the goal line behind it does not cross it."""
    if backed:
        kw["bbox"] = {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none"}
    ax.text(
        x,
        y,
        label,
        fontproperties=font(size, face),
        color=color,
        parse_math=False,
        transform=ax.transData if transform is None else transform,
        zorder=4,
        **kw,
    )


def margin(ax: Axes) -> Transform:
    """x in shares of ``ax``'s width, y in data: for names left of the axes and rules
    across them."""
    return blended_transform_factory(ax.transAxes, ax.transData)


def upper(shares: Sequence[Share], cap: float) -> float:
    """An axis end: at least the goal (1.0), at most ``cap``."""
    return min(cap, max([1.0, *(s for s in shares if s is not None)]))


def goal_line(ax: Axes, *, vertical: bool) -> None:
    line = ax.axvline if vertical else ax.axhline
    line(1.0, color=INK, linestyle="--", linewidth=2, zorder=3)


def bars(ax: Axes, boxes: Sequence[tuple[float, float, float, float, str]]) -> None:
    """Rectangles (x0, y0, x1, y1, colour) as one artist: ``Axes.bar`` makes a patch
    per bar and re-measures the data limits each time, ten times slower for a team."""
    if boxes:
        verts = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1, _ in boxes]
        shapes = PolyCollection(verts, facecolors=[c for *_, c in boxes], edgecolors="none")
        ax.add_collection(shapes, autolim=False)


class Canvas:
    """A figure laid out top to bottom in inches, so a row is as tall in a chart of
    3 reps as in one of 50 and the figure simply grows."""

    def __init__(self, height_in: float) -> None:
        self.figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
        FigureCanvasAgg(self.figure)
        self._height = height_in

    def y(self, from_top_in: float) -> float:
        return 1 - from_top_in / self._height

    def text(self, left: float, top_in: float, label: str, size: float, face: Path) -> None:
        """``label`` hanging ``top_in`` below the figure's top, from ``left`` (a share
        of the width)."""
        self.figure.text(
            left,
            self.y(top_in),
            label,
            fontproperties=font(size, face),
            va="top",
            color=INK,
            parse_math=False,
        )

    def title(self, label: str) -> None:
        self.text(LEFT, 0.3, fit(label, _FULL_PX, TITLE_PT, BOLD), TITLE_PT, BOLD)

    def heading(self, top_in: float, label: str) -> None:
        self.text(LEFT, top_in, fit(label, _FULL_PX, HEADING_PT, BOLD), HEADING_PT, BOLD)

    def axes(self, top_in: float, height_in: float, left: float = NAME_EDGE) -> Axes:
        """Bare axes: no frame but the bottom line, no y ticks, muted tick labels."""
        bottom = self.y(top_in + height_in)
        ax = self.figure.add_axes((left, bottom, RIGHT - left, height_in / self._height))
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(MUTED)
        ax.tick_params(colors=MUTED, length=0, pad=6)
        ax.set_yticks([])
        return ax

    def rows(self, top_in: float, count: int, row_in: float) -> Axes:
        """Axes for ``count`` rows, row ``i`` centred on y = i counting down, with thin
        rules between rows so a name and its marks read as one line."""
        ax = self.axes(top_in, row_in * count)
        ax.set_ylim(count - 0.5, -0.5)
        rules = [edge - 0.5 for edge in range(1, count)]
        ax.hlines(rules, 0, 1, transform=margin(ax), colors=RULE, linewidth=1, zorder=0)
        return ax

    def png(self) -> bytes:
        """The figure as PNG bytes with no metadata but its DPI: no version, no time."""
        out = BytesIO()
        self.figure.savefig(
            out,
            format="png",
            dpi=DPI,
            metadata={"Software": None},
            pil_kwargs={"compress_level": _PNG_COMPRESSION},
        )
        return out.getvalue()


def name(ax: Axes, y: float, label: str, note: str | None, row_in: float) -> None:
    """A rep's name in the margin left of rows ``ax`` at row ``y``, a grey note under it."""
    x = -_NAME_PAD_IN / (WIDTH_IN * (RIGHT - NAME_EDGE))
    lift = 0.14 / row_in if note else 0.0
    text(
        ax, x, y - lift, name_label(label), LABEL_PT, transform=margin(ax), ha="right", va="center"
    )
    if note:
        text(
            ax,
            x,
            y + 0.2 / row_in,
            fit(note, NAME_PX, NOTE_PT, ITALIC),
            NOTE_PT,
            face=ITALIC,
            color=MUTED,
            transform=margin(ax),
            ha="right",
            va="center",
        )


def gap(ax: Axes, y: float, label: str) -> None:
    """A row that is only words ("… 12 more reps"), centred on the figure."""
    text(
        ax,
        0.5 - NAME_EDGE / 2,
        y,
        label,
        LABEL_PT,
        face=ITALIC,
        color=MUTED,
        backed=True,
        transform=margin(ax),
        ha="center",
        va="center",
    )


@dataclass(frozen=True)
class Key:
    """A legend swatch: a marker ("s" square, "o", "X"), a dashed line ("--"), or none."""

    marker: str | None
    color: str = INK


def legend_in(entries: int) -> float:
    return _LEGEND_ROW_IN * -(-entries // _LEGEND_PER_ROW)


def legend(canvas: Canvas, top_in: float, entries: Sequence[tuple[str, Key]]) -> None:
    """Swatches and labels, four to a row, :func:`legend_in` tall (matplotlib's own
    legend sizes itself and reads labels as mathtext)."""
    col = (RIGHT - LEFT) / _LEGEND_PER_ROW
    for i, (label, key) in enumerate(entries):
        left = LEFT + col * (i % _LEGEND_PER_ROW)
        top = top_in + _LEGEND_ROW_IN * (i // _LEGEND_PER_ROW)
        y = canvas.y(top + 0.12)
        style: dict[str, Any] = {"color": key.color, "transform": canvas.figure.transFigure}
        if key.marker == "--":
            canvas.figure.add_artist(
                Line2D([left, left + 0.03], [y, y], linestyle="--", linewidth=2.5, **style)
            )
        elif key.marker:
            canvas.figure.add_artist(
                Line2D(
                    [left + 0.013], [y], marker=key.marker, markersize=17, linestyle="none", **style
                )
            )
        text_left = left + (0.042 if key.marker else 0.0)
        room = (left + col - text_left) * WIDTH_IN * DPI - 12
        canvas.text(text_left, top, fit(label, room, NOTE_PT), NOTE_PT, REGULAR)
