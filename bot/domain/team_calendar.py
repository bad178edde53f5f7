"""A team's working calendar: which weekdays are holidays, and where the week's nudge
and summary land when their day is one.

A holiday counts like an away day for everyone on the team: it is not a workday, so
goals are prorated by the workdays left, no board goes out, and nobody is nudged on
it. The public holidays of a country (or one of its subdivisions, ``DE-BY``) come from
the ``holidays`` package, worked out for any year on demand, so no yearly refill is
needed; a team adds its own days and may remove a public one it works on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays

from bot.domain.weeks import WORKDAYS, week_days

MAX_HOLIDAY_NAME = 60
"""Longest holiday name kept (Slack lines stay short; public names fit)."""
MAX_SUMMARY_DELAY = timedelta(days=31)
"""However many holidays follow the summary day, the summary goes out within a month."""


class UnknownRegion(ValueError):
    """A country or subdivision code the ``holidays`` package does not know."""


@dataclass(frozen=True)
class Region:
    """A country (ISO 3166-1 alpha-2, ``US``) and optionally a subdivision (``DE-BY``)."""

    country: str
    subdivision: str | None = None

    def __str__(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


def parse_region(text: str) -> Region:
    """``US``, ``gb``, ``DE-BY``: a region whose public holidays are known, or
    UnknownRegion saying what is accepted."""
    code = text.strip().upper()
    country, _, subdivision = code.partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise UnknownRegion(
            f"`{text.strip()}` is not a country I know public holidays for — use a two-letter "
            "country code such as `US`, `GB` or `DE`, optionally with a region (`DE-BY`)."
        )
    if not subdivision:
        return Region(country)
    known = {s.upper(): s for s in supported[country]}
    if subdivision not in known:
        sample = ", ".join(f"`{country}-{s}`" for s in list(supported[country])[:6])
        raise UnknownRegion(
            f"`{text.strip()}`: {country} has no region `{subdivision}`"
            + (f" — for example {sample}." if sample else f" — {country} has no regions.")
        )
    return Region(country, known[subdivision])


@cache
def _public(region: Region, year: int) -> Mapping[date, str]:
    found = holidays.country_holidays(region.country, subdiv=region.subdivision, years=year)
    return {day: str(name)[:MAX_HOLIDAY_NAME] for day, name in found.items()}


@dataclass(frozen=True)
class TeamCalendar:
    """The holidays a team observes: a region's public ones, plus days the team added,
    less public days it removed."""

    region: Region | None = None
    added: Mapping[date, str] = field(default_factory=dict)
    removed: frozenset[date] = frozenset()

    def holiday(self, day: date) -> str | None:
        """The holiday's name, or None for an ordinary day."""
        if day in self.added:
            return self.added[day]
        if self.region is None or day in self.removed:
            return None
        return _public(self.region, day.year).get(day)

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        return [(day, name) for day in days if (name := self.holiday(day)) is not None]

    def is_workday(self, day: date) -> bool:
        return day.weekday() < WORKDAYS and self.holiday(day) is None

    def workday_holidays(self, week: date) -> list[tuple[date, str]]:
        """The holidays on Mon–Fri of the week starting ``week``: what makes it short."""
        return [
            (day, name)
            for day in week_days(week)[:WORKDAYS]
            if (name := self.holiday(day)) is not None
        ]

    def as_away(self, week: date) -> list[tuple[date, date]]:
        """The week's holidays as away periods, which proration already understands."""
        return [(day, day) for day, _ in self.workday_holidays(week)]

    def nudge_day(self, scheduled: date) -> date | None:
        """The nudge's day: as scheduled, or the last workday before it in that week
        when it is a holiday; None when no workday is left before it (no nudge)."""
        day = scheduled
        week = scheduled - timedelta(days=scheduled.weekday())
        while day >= week:
            if self.holiday(day) is None and (day.weekday() < WORKDAYS or day == scheduled):
                return day
            day -= timedelta(days=1)
        return None

    def summary_day(self, scheduled: date) -> date:
        """The summary's day: as scheduled, or the next workday when it is a holiday
        (which may be in the following week: the week's numbers stay the same)."""
        day = scheduled
        while self.holiday(day) is not None or (day != scheduled and day.weekday() >= WORKDAYS):
            day += timedelta(days=1)
            if day - scheduled > MAX_SUMMARY_DELAY:
                return scheduled
        return day


def short_week_note(holidays_in_week: Iterable[tuple[date, str]]) -> str | None:
    """``short week: Thu 26 Nov Thanksgiving Day, Fri 27 Nov Day after`` or None."""
    parts = [f"{day.strftime('%a %-d %b')} {name}" for day, name in holidays_in_week]
    return f"short week: {', '.join(parts)}" if parts else None
