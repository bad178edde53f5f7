"""Huddle's configuration: read from ``.env`` and the environment, validated in one go.

``load_settings`` is pure: it looks only at the mapping it is given and either returns a
complete, immutable ``Settings`` or raises ``ConfigError`` listing *every* problem with
the expected form, so a start-up failure can be fixed in one edit.
``bot.serving.environment`` builds that mapping from ``.env`` and the environment.

Secrets (the Slack tokens, the signing secret and a database password) never appear in
``repr(settings)`` or in an error message: problems describe what is wrong, they do not
echo the value.

Decisions where the SPEC leaves room:

* Values are stripped; an empty value counts as unset (so the default applies), except
  ``HUDDLE_GOALS=`` and ``HUDDLE_MANAGERS=``, whose empty value means "none".
* ``HUDDLE_TIMEZONE`` takes a named geographic IANA zone (``Area/Location``, see
  ``bot.domain.team_settings``) the zone database knows, or ``UTC``. Fixed UTC offsets
  (``Etc/GMT+5``, ``GMT-3``, ``EST``, ``MST``, ``HST``) are refused with a hint: the
  schedule is wall-clock time and must follow daylight saving, and ``Etc/GMT+5`` even
  means UTC-5; so are ``Factory``, ``localtime``, ``posixrules`` and the rule names
  (``CET``, ``EST5EDT``), which are no place's clock. ``UTC`` is allowed because it is
  the default and has no daylight saving to miss. Lower-case spellings
  (``europe/berlin``) are not guessed.
* Schedules: see ``Schedule.parse``. A range may wrap around the week (``fri-mon`` is
  Fri, Sat, Sun, Mon). The nudge and the summary each name exactly one weekday and the
  nudge must come strictly before the summary in the Monday-to-Sunday week (day, then
  time of day; the nudge is wall-clock time in each rep's own zone, the summary in the
  team zone, so the comparison is of wall-clock times).
* The team settings (timezone, schedule, input limits) are read by the parsers of
  ``bot.domain.team_settings.TEAM_SETTINGS``, which also read a manager's
  ``/huddle settings`` change, so both refuse a value in the same words.
* ``DATABASE_URL``: ``postgres://`` and ``postgresql://`` become ``postgresql+asyncpg://``
  and ``sqlite://`` becomes ``sqlite+aiosqlite://``; other drivers are rejected, because
  Huddle runs on asyncio. A libpq-style ``sslmode=`` query parameter (common in hosted
  Postgres URLs) is renamed to asyncpg's ``ssl=``, which takes the same modes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.domain.activities import BUILT_IN, resolve_activity
from bot.domain.schedule import DAY_NAMES, Schedule
from bot.domain.team_calendar import Region
from bot.domain.team_settings import (
    TEAM_SETTINGS,
    TeamSettings,
    order_problem,
    whole_number_parser,
)

__all__ = [
    "DAY_NAMES",
    "DEFAULTS",
    "ConfigError",
    "OAuthCredentials",
    "Schedule",
    "Settings",
    "load_settings",
]

DEFAULT_OOO_EMOJIS = (
    ":palm_tree:",
    ":face_with_thermometer:",
    ":beach_with_umbrella:",
    ":airplane:",
)
"""Slack status emoji that mean "out of office": such a rep is not nudged."""
_EMOJI_RE = re.compile(r":[a-z0-9_+'-]+:")

#: Every variable Huddle reads, with its default as text ("" = none / required).
DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "SLACK_BOT_TOKEN": "",
        "SLACK_SIGNING_SECRET": "",
        "SLACK_APP_TOKEN": "",
        "SLACK_CLIENT_ID": "",
        "SLACK_CLIENT_SECRET": "",
        "HUDDLE_PUBLIC_URL": "",
        "SLACK_API_URL": "https://slack.com/api/",
        "DATABASE_URL": "sqlite+aiosqlite:///huddle.db",
        "HUDDLE_CHANNEL": "",
        "HUDDLE_MANAGERS": "",
        "HUDDLE_GOALS": "meeting=6",
        **{setting.variable: setting.default for setting in TEAM_SETTINGS.values()},
        "HUDDLE_POSTS_PER_MINUTE": "300",
        "HUDDLE_OOO_EMOJIS": ",".join(DEFAULT_OOO_EMOJIS),
        "PORT": "3000",
    }
)

_CHANNEL_RE = re.compile(r"[CG][A-Z0-9]+")
_USER_RE = re.compile(r"[UW][A-Z0-9]+")
_DRIVER_REWRITES = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}
_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
_DIGITS_RE = re.compile(r"[0-9]+")

_T = TypeVar("_T")


SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_SECRET",
)
_URL_PASSWORD = re.compile(r"://[^/@:]*:([^/@]+)@")


def environment_secrets(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Every value in the environment that must never reach a log: read from the raw
    variables, before and whether or not they make valid settings, so that logging
    can mask them from its first line. A ``DATABASE_URL`` password counts as written
    and as decoded (``%40`` and ``@``)."""
    values = [environ.get(name, "").strip() for name in SECRET_VARIABLES]
    for password in _URL_PASSWORD.findall(environ.get("DATABASE_URL", "")):
        values += [password, unquote(password)]
    return tuple(dict.fromkeys(v for v in values if v))


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        count = len(self.problems)
        heading = f"Invalid configuration ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([heading, *(f"  - {p}" for p in self.problems)]))


@dataclass(frozen=True, repr=False)
class OAuthCredentials:
    """The app's client credentials for "Add to Slack", and where Slack reaches it."""

    client_id: str
    client_secret: str = field(repr=False)
    public_url: str | None
    """``HUDDLE_PUBLIC_URL``: the base URL people and Slack reach Huddle at (behind a
    proxy it differs from the address Huddle listens on); the OAuth redirect URI is
    built from it. None: Slack uses the app's one configured Redirect URL."""

    @property
    def redirect_uri(self) -> str | None:
        return f"{self.public_url}/slack/oauth_redirect" if self.public_url else None

    def __repr__(self) -> str:
        return f"OAuthCredentials(client_id={self.client_id!r}, public_url={self.public_url!r})"


@dataclass(frozen=True, repr=False)
class Settings:
    """Validated, immutable configuration. ``repr`` hides every secret."""

    bot_token: str = field(repr=False)
    """Empty in OAuth mode: each installed workspace has its own (``oauth``)."""
    signing_secret: str | None = field(repr=False)
    app_token: str | None = field(repr=False)
    oauth: OAuthCredentials | None
    """Set in OAuth mode (many workspaces, "Add to Slack"), None with a bot token."""
    api_url: str
    database_url: str = field(repr=False)  # shown as ``safe_database_url``
    channel: str
    """``HUDDLE_CHANNEL``, the first team's; empty in OAuth mode (teams are set up in Slack)."""
    timezone: ZoneInfo
    managers: frozenset[str]
    goals: Mapping[str, int]
    huddle_at: Schedule | None
    nudge_at: Schedule
    summary_at: Schedule
    max_count: int
    backdate_days: int
    posts_per_minute: int
    """The workspace's expected limit on posting, where the pacer starts
    (``bot.runtime.post_pacer``); it learns the real one from Slack's 429s."""
    port: int
    holidays: Region | None = None
    ooo_emojis: frozenset[str] = frozenset(DEFAULT_OOO_EMOJIS)
    """Status emoji that mean out of office (``HUDDLE_OOO_EMOJIS``)."""

    @property
    def team_defaults(self) -> TeamSettings:
        """The settings a new team starts with: the ``HUDDLE_*`` variables."""
        return TeamSettings(
            timezone=self.timezone,
            huddle_at=self.huddle_at,
            nudge_at=self.nudge_at,
            summary_at=self.summary_at,
            max_count=self.max_count,
            backdate_days=self.backdate_days,
            holidays=self.holidays,
        )

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is configured, HTTP mode otherwise."""
        return self.app_token is not None

    @property
    def safe_database_url(self) -> str:
        """``DATABASE_URL`` with any password masked, for logs and messages."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    def __repr__(self) -> str:
        shown: list[str] = []
        for f in fields(self):
            if f.name == "database_url":
                shown.append(f"database_url={self.safe_database_url!r}")
            elif f.repr:
                value = getattr(self, f.name)
                if isinstance(value, MappingProxyType):
                    value = dict(value)
                shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Validate ``environ`` into ``Settings``; raise ``ConfigError`` listing every problem."""
    problems: list[str] = []

    def raw(name: str) -> str:
        return environ.get(name, "").strip()

    def value(name: str) -> str:
        """The stripped value, or the default when unset or empty."""
        return raw(name) or DEFAULTS[name]

    def check(parse: Callable[[str], _T], name: str, fallback: _T) -> _T:
        try:
            return parse(value(name))
        except ValueError as err:
            problems.append(f"{name}: {err}")
            return fallback

    def team(word: str) -> Any:
        """A team setting's value, read as ``/huddle settings`` reads it; None when
        invalid (the problem is noted)."""
        setting = TEAM_SETTINGS[word]
        return check(setting.parse, setting.variable, None)

    oauth = _oauth_mode(environ, problems)
    bot_token = check(_parse_bot_token, "SLACK_BOT_TOKEN", "") if oauth is None else ""
    app_token = check(_parse_app_token, "SLACK_APP_TOKEN", None)
    signing_secret = raw("SLACK_SIGNING_SECRET") or None
    if oauth is not None and signing_secret is None:
        problems.append(
            "SLACK_SIGNING_SECRET: required for the OAuth install (SLACK_CLIENT_ID and"
            " SLACK_CLIENT_SECRET), which runs in HTTP mode: Slack app settings → Basic"
            " Information → Signing Secret"
        )
    elif signing_secret is None and not raw("SLACK_APP_TOKEN"):
        problems.append(
            "SLACK_SIGNING_SECRET: required in HTTP mode (Slack app settings → Basic Information"
            " → Signing Secret); or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode instead"
        )
    api_url = check(_parse_api_url, "SLACK_API_URL", DEFAULTS["SLACK_API_URL"])
    database_url = check(_parse_database_url, "DATABASE_URL", DEFAULTS["DATABASE_URL"])
    channel = "" if oauth is not None else check(_parse_channel, "HUDDLE_CHANNEL", "")
    timezone = team("timezone")
    managers = check(_parse_managers, "HUDDLE_MANAGERS", frozenset[str]())
    if "HUDDLE_GOALS" in environ:  # present but empty means "no team goals"
        try:
            goals = _parse_goals(raw("HUDDLE_GOALS"))
        except ValueError as err:
            problems.append(f"HUDDLE_GOALS: {err}")
            goals = {}
    else:
        goals = _parse_goals(DEFAULTS["HUDDLE_GOALS"])
    huddle_at = team("huddle")
    nudge_at = team("nudge")
    summary_at = team("summary")
    if nudge_at is not None and summary_at is not None:
        names = (TEAM_SETTINGS["nudge"].variable, TEAM_SETTINGS["summary"].variable)
        if (problem := order_problem(nudge_at, summary_at, names)) is not None:
            problems.append(problem)
    max_count = team("maxcount")
    backdate_days = team("backdate")
    holidays = team("holidays")
    ooo_emojis = check(_parse_emojis, "HUDDLE_OOO_EMOJIS", frozenset(DEFAULT_OOO_EMOJIS))
    posts_per_minute = check(whole_number_parser(1, 100_000), "HUDDLE_POSTS_PER_MINUTE", 300)
    port = check(whole_number_parser(1, 65535), "PORT", 3000)

    if problems:
        raise ConfigError(problems)
    assert timezone is not None and nudge_at is not None and summary_at is not None
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        oauth=oauth,
        api_url=api_url,
        database_url=database_url,
        channel=channel,
        timezone=timezone,
        managers=managers,
        goals=MappingProxyType(dict(goals)),
        huddle_at=huddle_at,
        nudge_at=nudge_at,
        summary_at=summary_at,
        max_count=max_count,
        backdate_days=backdate_days,
        posts_per_minute=posts_per_minute,
        port=port,
        holidays=holidays,
        ooo_emojis=ooo_emojis,
    )


def _oauth_mode(environ: Mapping[str, str], problems: list[str]) -> OAuthCredentials | None:
    """The mode, chosen here rather than by Bolt (which turns OAuth on by itself when
    ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` are in the environment): OAuth when
    both client credentials are set, single-workspace otherwise. Both modes at once
    would leave unclear which token serves which workspace, so that is refused, and so
    is Socket Mode with OAuth (Slack reaches the install pages only over HTTP)."""
    client_id = environ.get("SLACK_CLIENT_ID", "").strip()
    client_secret = environ.get("SLACK_CLIENT_SECRET", "").strip()
    if not client_id and not client_secret:
        return None
    where = "Slack app settings → Basic Information → App Credentials"
    if not client_id or not client_secret:
        missing = "SLACK_CLIENT_ID" if not client_id else "SLACK_CLIENT_SECRET"
        problems.append(
            f"{missing}: the OAuth install needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
            f" ({where}); or unset both to serve one workspace with SLACK_BOT_TOKEN"
        )
        return None
    if environ.get("SLACK_BOT_TOKEN", "").strip():
        problems.append(
            "SLACK_BOT_TOKEN together with SLACK_CLIENT_ID/SLACK_CLIENT_SECRET: choose one mode."
            ' Unset SLACK_BOT_TOKEN to install into many workspaces with "Add to Slack", or'
            " unset the client credentials to serve the one workspace of that token"
        )
    if environ.get("SLACK_APP_TOKEN", "").strip():
        problems.append(
            "SLACK_APP_TOKEN: the OAuth install (SLACK_CLIENT_ID) runs in HTTP mode only,"
            " because Slack sends people to /slack/install and /slack/oauth_redirect over"
            " HTTP; unset SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET"
        )
    public_url: str | None = None
    text = environ.get("HUDDLE_PUBLIC_URL", "").strip()
    if text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            problems.append(
                f"HUDDLE_PUBLIC_URL: '{text}' must be the http(s) base URL Slack and browsers"
                " reach Huddle at, e.g. https://huddle.example.com"
            )
        else:
            public_url = text.rstrip("/")
    return OAuthCredentials(client_id, client_secret, public_url)


# Parsers: each takes the stripped text and raises ValueError with a message that states
# the expected form and never repeats a secret.


def _parse_bot_token(text: str) -> str:
    if not text:
        raise ValueError(
            "required: the bot token (xoxb-…) from Slack app settings → OAuth & Permissions"
        )
    if not text.startswith("xoxb-"):
        hint = ""
        if text.startswith("xapp-"):
            hint = " (an xapp- token is the app-level token: it belongs in SLACK_APP_TOKEN)"
        elif text.startswith("xoxp-"):
            hint = " (an xoxp- token is a user token, not the bot token)"
        raise ValueError(f"must be a bot token starting with xoxb-{hint}")
    return text


def _parse_emojis(text: str) -> frozenset[str]:
    """Comma-separated emoji codes as Slack writes them (``:palm_tree:``), or empty for
    none (then only a status text saying out of office counts)."""
    codes = [code.strip().lower() for code in text.split(",") if code.strip()]
    wrong = [code for code in codes if not _EMOJI_RE.fullmatch(code)]
    if wrong:
        raise ValueError(
            f"'{wrong[0]}' is not an emoji code: expected codes such as :palm_tree: separated"
            " by commas"
        )
    return frozenset(codes)


def _parse_app_token(text: str) -> str | None:
    if not text:
        return None
    if not text.startswith("xapp-"):
        hint = " (an xoxb- token is the bot token: it belongs in SLACK_BOT_TOKEN)"
        raise ValueError(
            "must be an app-level token starting with xapp- (Slack app settings → Basic"
            " Information → App-Level Tokens, scope connections:write), or be left unset for"
            f" HTTP mode{hint if text.startswith('xoxb-') else ''}"
        )
    return text


def _parse_api_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{text}' must be an http(s) URL, e.g. https://slack.com/api/")
    return text if text.endswith("/") else text + "/"


def _parse_database_url(text: str) -> str:
    form = "e.g. sqlite+aiosqlite:///huddle.db or postgresql+asyncpg://user:password@host/db"
    try:
        url: URL = make_url(text)
    except (ArgumentError, ValueError):
        raise ValueError(f"not a valid SQLAlchemy URL; {form}") from None
    driver = _DRIVER_REWRITES.get(url.drivername, url.drivername)
    if driver not in _DRIVERS:
        raise ValueError(
            f"driver '{url.drivername}' is not supported: use sqlite+aiosqlite or"
            f" postgresql+asyncpg; {form}"
        )
    url = url.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in url.query and "ssl" not in url.query:
        url = url.difference_update_query(["sslmode"]).update_query_dict(
            {"ssl": url.query["sslmode"]}
        )
    return url.render_as_string(hide_password=False)


def _parse_channel(text: str) -> str:
    if _CHANNEL_RE.fullmatch(text):
        return text
    how = (
        "; to find it, open the channel in Slack, click its name, and copy the Channel ID"
        " at the bottom of the About tab"
    )
    if not text:
        raise ValueError(f"required: the channel ID of the huddle channel, e.g. C0123456789{how}")
    if text.startswith(("#", "<#")) or not text.isupper():
        raise ValueError(
            f"'{text}' looks like a channel name: this must be the channel ID"
            f" (C… or G…, upper-case letters and digits, e.g. C0123456789){how}"
        )
    raise ValueError(
        f"'{text}' is not a channel ID: expected C… or G… with upper-case letters and digits,"
        f" e.g. C0123456789{how}"
    )


def _parse_managers(text: str) -> frozenset[str]:
    items = [item.strip() for item in text.split(",")]
    bad = [item for item in items if item and not _USER_RE.fullmatch(item)]
    if bad:
        raise ValueError(
            f"{', '.join(repr(b) for b in bad)}: expected comma-separated Slack user IDs"
            " (U… or W…, upper-case letters and digits, e.g. U0123ABCD,U0456EFGH); to find"
            " one, open the person's profile in Slack, click ⋯ and choose 'Copy member ID'"
        )
    return frozenset(item for item in items if item)


def _parse_goals(text: str) -> dict[str, int]:
    names = ", ".join(a.key for a in BUILT_IN)
    form = (
        "expected ACTIVITY=N pairs separated by commas, e.g. meeting=6,call=50"
        f" (activities: {names})"
    )
    goals: dict[str, int] = {}
    errors: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, number = (piece.strip() for piece in item.partition("="))
        activity = resolve_activity(name) if sep else None
        if not sep or not name:
            errors.append(f"'{item}' is not ACTIVITY=N")
        elif activity is None:
            errors.append(f"'{name}' is not an activity")
        elif activity.key in goals:
            errors.append(f"{activity.key} is given more than once")
        elif not _DIGITS_RE.fullmatch(number) or not 1 <= int(number) <= 1000:
            errors.append(
                f"the goal for {activity.key} must be a whole number from 1 to 1000, got"
                f" '{number}' (to have no goal, leave the activity out)"
            )
        else:
            goals[activity.key] = int(number)
    if errors:
        raise ValueError(f"{'; '.join(errors)}; {form}")
    return goals
