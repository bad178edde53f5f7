"""The check-ins CSV: one writer for ``/huddle export`` and ``huddle export``.

Spreadsheet apps run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and treat a leading tab or carriage return the same way), so a note like
``=HYPERLINK("http://evil", "click")`` could act when a manager opens the file. Every
text cell that a person typed or named (notes, display names, and any other text
column, to be safe) that starts with one of those characters gets a leading
apostrophe, which spreadsheets show as plain text (OWASP's "CSV injection" advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.domain.weeks import iso_week
from storage.export import ExportRow

COLUMNS = (
    "checkin_id",
    "date",
    "iso_week",
    "user_id",
    "name",
    "activity",
    "count",
    "note",
    "source",
    "logged_at_utc",
    "undone_at_utc",
    "team_channel",
    "activity_label",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """``cell`` as text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def checkins_csv(rows: Iterable[ExportRow]) -> str:
    """The CSV text (RFC 4180: a header row, CRLF line ends, quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.checkin_id,
                row.day.isoformat(),
                iso_week(row.day),
                inert(row.user_id),
                inert(row.name),
                inert(row.activity),
                row.count,
                inert(row.note),
                inert(row.source),
                _utc(row.logged_at),
                _utc(row.undone_at),
                inert(row.channel),
                inert(row.activity_label),
            ]
        )
    return out.getvalue()
