"""The week as pictures: PNG charts for the Friday summary and the managers' digest,
each with its alt text.

Pure functions from numbers to PNG bytes: no clock, no I/O, no display, safe in a
worker thread, the same bytes for the same numbers. They take their own small inputs
(names and shares of goal), not the app's models, so the caller decides what a share
is and how reps are sorted, as the message text does. Read on phones: 1,000 px wide,
legible at 400, colour-blind-safe colours and never colour alone; at most
:data:`MAX_ROWS` reps, then the first and last halves and a count of the rest.
"""

from bot.messages.charts.alt_text import ALT_TEXT_LIMIT, summary_alt_text, trend_alt_text
from bot.messages.charts.drawing import name_label
from bot.messages.charts.rows import (
    MAX_ROWS,
    SHARE_CAP,
    RepShare,
    Share,
    Shown,
    percent,
    shown,
)
from bot.messages.charts.summary import summary_chart
from bot.messages.charts.trend import trend_chart

__all__ = [
    "ALT_TEXT_LIMIT",
    "MAX_ROWS",
    "SHARE_CAP",
    "RepShare",
    "Share",
    "Shown",
    "name_label",
    "percent",
    "shown",
    "summary_alt_text",
    "summary_chart",
    "trend_alt_text",
    "trend_chart",
]
