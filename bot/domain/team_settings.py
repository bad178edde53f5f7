"""A team's own settings (timezone, schedule, input limits) and how each is read.

A team's settings start as the ``HUDDLE_*`` variables (``Settings.team_defaults``) and
are then changed by its managers with ``/huddle settings WORD VALUE``. Both read the
text through the same parser from :data:`TEAM_SETTINGS`, so a value the environment
refuses is refused in Slack with the very same words, and the two can never drift.

:func:`setting_text` is a value's canonical text: what the database stores and what
``/huddle settings`` shows; :func:`parse_setting` reads it back to the same value.

A ``TeamSettings`` is always coherent: the nudge comes before the summary in the
Monday-to-Sunday week (day, then time of day; the nudge is wall-clock time in each
rep's own zone, the summary in the team zone, so the comparison is of wall-clock
times), or reps could never act on the nudge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.schedule import Schedule
from bot.domain.team_calendar import Region, parse_region

__all__ = [
    "TEAM_SETTINGS",
    "SettingChange",
    "TeamSetting",
    "TeamSettings",
    "order_problem",
    "parse_setting",
    "setting_text",
    "whole_number_parser",
    "with_setting",
]

_DIGITS_RE = re.compile(r"[0-9]+")
_FIXED_OFFSET_ZONE_RE = re.compile(r"(Etc/)?GMT[+-]0*[1-9][0-9]*")
_GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
        "Europe", "Indian", "Pacific", "Brazil", "Canada", "Chile", "Mexico", "US",
    }
)  # fmt: skip
"""The first part of a geographic IANA name (``Europe/Berlin``; ``US/Eastern`` and the
other old regional links too). Names outside them (``Factory``, ``localtime``,
``posixrules``, ``CET``, ``EST5EDT``) are not a place whose clock a team lives by."""
_UTC_NAMES = frozenset({"UTC", "Etc/UTC"})
_FIXED_OFFSET_ZONES = {
    "EST": "America/New_York",
    "MST": "America/Denver or America/Phoenix",
    "HST": "Pacific/Honolulu",
}


@dataclass(frozen=True)
class TeamSettings:
    """What one team runs with; coherent by construction (see the module docstring)."""

    timezone: ZoneInfo
    huddle_at: Schedule | None
    nudge_at: Schedule
    summary_at: Schedule
    max_count: int
    backdate_days: int
    holidays: Region | None = None
    """Whose public holidays the team keeps (``US``, ``DE-BY``); None: only its own."""

    def __post_init__(self) -> None:
        problem = order_problem(self.nudge_at, self.summary_at, ("nudge", "summary"))
        if problem is not None:
            raise ValueError(problem)

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> TeamSettings:
        """The settings whose canonical texts (:func:`setting_text`) are ``texts``, keyed
        by word, e.g. as stored; every word of :data:`TEAM_SETTINGS` must be there."""
        missing = [word for word in TEAM_SETTINGS if word not in texts]
        if missing:
            raise ValueError(f"missing settings: {', '.join(missing)}")
        values: dict[str, Any] = {}
        for word, setting in TEAM_SETTINGS.items():
            try:
                values[setting.attribute] = parse_setting(word, texts[word])
            except ValueError as err:
                raise ValueError(f"{word}: {err}") from None
        return cls(**values)


@dataclass(frozen=True)
class SettingChange:
    """Who last changed a setting in Slack, and on which day (in the team's zone). A
    setting without one still has the value its variable gave the new team."""

    user_id: str
    on: date


def _parse_timezone(text: str) -> ZoneInfo:
    """A named geographic IANA zone the zone database knows, or ``UTC``. Fixed UTC
    offsets (``Etc/GMT+5``, ``EST``) are refused with a hint: the schedule is wall-clock
    time and must follow daylight saving, and ``Etc/GMT+5`` even means UTC-5. Lower-case
    spellings (``europe/berlin``) are not guessed."""
    if _FIXED_OFFSET_ZONE_RE.fullmatch(text) or text in _FIXED_OFFSET_ZONES:
        instead = _FIXED_OFFSET_ZONES.get(text, "America/New_York or Europe/Berlin")
        raise ValueError(
            f"'{text}' is a fixed UTC offset, which ignores daylight saving: use a named"
            f" IANA zone such as {instead}"
        )
    problem = ValueError(
        f"'{text}' is not a named geographic IANA timezone: expected e.g. Europe/Berlin,"
        " America/New_York or UTC (names are case-sensitive; if none work, install the"
        " tzdata package)"
    )
    if text not in _UTC_NAMES and text.partition("/")[0] not in _GEOGRAPHIC_AREAS:
        raise problem
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise problem from None


def _parse_optional_schedule(text: str) -> Schedule | None:
    if text.lower() == "off":
        return None
    try:
        return Schedule.parse(text)
    except ValueError as err:
        raise ValueError(f"{err}, or 'off'") from None


def _weekly_schedule(example: str) -> Callable[[str], Schedule]:
    """The parser of a once-a-week schedule, whose problems show ``example`` (the
    setting's own default, so a value it accepts: ``'fri 09:00'`` for the summary)."""
    form = f"DAY HH:MM with one weekday (mon…sun) and a 24-hour time, e.g. '{example}'"

    def parse(text: str) -> Schedule:
        if text.lower() == "off":
            raise ValueError(f"cannot be 'off': it runs once a week; expected {form}")
        schedule = Schedule.parse(text, form)
        if schedule.weekday is None:
            raise ValueError(
                f"'{text}' must name exactly one weekday, because it runs once a week;"
                f" expected {form}"
            )
        return schedule

    return parse


def whole_number_parser(low: int, high: int) -> Callable[[str], int]:
    """A parser of ASCII digits from ``low`` to ``high`` (the environment's ports and
    rates use it too)."""

    def parse(text: str) -> int:
        if not _DIGITS_RE.fullmatch(text) or not low <= int(text) <= high:
            raise ValueError(f"'{text}' must be a whole number from {low} to {high}")
        return int(text)

    return parse


def _off_or_schedule(value: Schedule | None) -> str:
    return "off" if value is None else str(value)


def _parse_region(text: str) -> Region | None:
    """``off``, or a country (``US``) or subdivision (``DE-BY``) code the ``holidays``
    package knows (its error names the code and what is accepted)."""
    return None if text.lower() == "off" else parse_region(text)


def _off_or_region(value: Region | None) -> str:
    return "off" if value is None else str(value)


@dataclass(frozen=True)
class TeamSetting:
    """One setting a manager may change with ``/huddle settings WORD VALUE``."""

    word: str
    variable: str
    """The ``HUDDLE_*`` variable that gives a new team its value."""
    default: str
    """The variable's default, as text."""
    attribute: str
    """The ``TeamSettings`` field it sets."""
    label: str
    """How ``/huddle settings`` names it."""
    parse: Callable[[str], Any]
    text: Callable[[Any], str]


def _setting(
    word: str,
    variable: str,
    default: str,
    attribute: str,
    label: str,
    parse: Callable[[str], Any],
    text: Callable[[Any], str] = str,
) -> tuple[str, TeamSetting]:
    return word, TeamSetting(word, variable, default, attribute, label, parse, text)


TEAM_SETTINGS: Mapping[str, TeamSetting] = MappingProxyType(
    dict(
        [
            _setting(
                "timezone",
                "HUDDLE_TIMEZONE",
                "UTC",
                "timezone",
                "Timezone",
                _parse_timezone,
                lambda zone: str(zone.key),
            ),
            _setting(
                "huddle",
                "HUDDLE_HUDDLE_AT",
                "mon-thu 09:00",
                "huddle_at",
                "Daily huddle",
                _parse_optional_schedule,
                _off_or_schedule,
            ),
            _setting(
                "nudge",
                "HUDDLE_NUDGE_AT",
                "thu 15:00",
                "nudge_at",
                "Weekly nudge",
                _weekly_schedule("thu 15:00"),
            ),
            _setting(
                "summary",
                "HUDDLE_SUMMARY_AT",
                "fri 09:00",
                "summary_at",
                "Weekly summary",
                _weekly_schedule("fri 09:00"),
            ),
            _setting(
                "maxcount",
                "HUDDLE_MAX_COUNT",
                "50",
                "max_count",
                "Largest count per check-in",
                whole_number_parser(1, 1000),
            ),
            _setting(
                "backdate",
                "HUDDLE_BACKDATE_DAYS",
                "7",
                "backdate_days",
                "Days a check-in may go back",
                whole_number_parser(0, 60),
            ),
            _setting(
                "holidays",
                "HUDDLE_HOLIDAYS",
                "off",
                "holidays",
                "Public holidays",
                _parse_region,
                _off_or_region,
            ),
        ]
    )
)
"""Keyed by the word of ``/huddle settings WORD VALUE``, in the order they are shown."""


def _lookup(word: str) -> TeamSetting:
    setting = TEAM_SETTINGS.get(word)
    if setting is None:
        raise ValueError(f"'{word}' is not a setting: expected one of {', '.join(TEAM_SETTINGS)}")
    return setting


def parse_setting(word: str, text: str) -> Any:
    """``text`` (stripped) read as the value of setting ``word``; ``ValueError`` states
    the problem and the expected form exactly as the environment loader does."""
    return _lookup(word).parse(text.strip())


def with_setting(settings: TeamSettings, word: str, value: Any) -> TeamSettings:
    """``settings`` with ``word`` set to ``value`` (as :func:`parse_setting` returns it);
    ``ValueError`` when the result would not be coherent (a nudge after the summary)."""
    return replace(settings, **{_lookup(word).attribute: value})


def setting_text(settings: TeamSettings, word: str) -> str:
    """The canonical text of ``word``'s value: ``thu 15:00``, ``off``, ``Europe/Berlin``."""
    setting = _lookup(word)
    return setting.text(getattr(settings, setting.attribute))


def order_problem(nudge_at: Schedule, summary_at: Schedule, names: tuple[str, str]) -> str | None:
    """Why the nudge cannot come at ``nudge_at`` with the summary at ``summary_at``
    (None when it can); ``names`` are how the reader knows the two settings."""
    if (min(nudge_at.weekdays), nudge_at.at) < (min(summary_at.weekdays), summary_at.at):
        return None
    nudge, summary = names
    return (
        f"{nudge} ({nudge_at}) must come before {summary} ({summary_at})"
        " in the Monday-to-Sunday week, or reps could never act on the nudge;"
        f" e.g. {nudge}='{TEAM_SETTINGS['nudge'].default}'"
        f" with {summary}='{TEAM_SETTINGS['summary'].default}'"
    )
