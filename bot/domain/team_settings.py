"""A team's own settings (stub: replaced by the settings-grammar branch)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain import settings as env
from bot.domain.settings import Schedule, Settings

WORDS = ("timezone", "huddle", "nudge", "summary", "maxcount", "backdate")


@dataclass(frozen=True)
class TeamSettings:
    timezone: ZoneInfo
    huddle_at: Schedule | None
    nudge_at: Schedule
    summary_at: Schedule
    max_count: int
    backdate_days: int

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], defaults: TeamSettings) -> TeamSettings:
        values = {word: texts[word] for word in WORDS if word in texts}
        result = defaults
        for word, text in values.items():
            result = with_setting(result, word, parse_setting(word, text))
        return result


_FIELDS = {
    "timezone": "timezone",
    "huddle": "huddle_at",
    "nudge": "nudge_at",
    "summary": "summary_at",
    "maxcount": "max_count",
    "backdate": "backdate_days",
}


def parse_setting(word: str, text: str) -> object:
    parsers = {
        "timezone": env._parse_timezone,
        "huddle": env._parse_optional_schedule,
        "nudge": env._weekly_schedule("HUDDLE_NUDGE_AT"),
        "summary": env._weekly_schedule("HUDDLE_SUMMARY_AT"),
        "maxcount": env._int_parser(1, 1000),
        "backdate": env._int_parser(0, 60),
    }
    return parsers[word](text)


def with_setting(settings: TeamSettings, word: str, value: object) -> TeamSettings:
    from dataclasses import replace

    return replace(settings, **{_FIELDS[word]: value})


def setting_text(settings: TeamSettings, word: str) -> str:
    value = getattr(settings, _FIELDS[word])
    if value is None:
        return "off"
    return str(value)


def team_defaults(settings: Settings) -> TeamSettings:
    return TeamSettings(
        settings.timezone,
        settings.huddle_at,
        settings.nudge_at,
        settings.summary_at,
        settings.max_count,
        settings.backdate_days,
    )
