"""The tables. Every row belongs to one Slack workspace (``team_id``); rows that
belong to one team of that workspace (a huddle channel) also carry ``team_ref``;
slack_sdk's OAuth tables (end of file) keep the installed workspaces' tokens.

Times are stored in UTC; days (``CheckIn.day``, away periods) are calendar dates
in the rep's or team's timezone, because a week is a calendar idea, not an instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database: SQLite keeps no offset, so values are
    stored as UTC and handed back with ``tzinfo=UTC`` rather than naive."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Huddle stores instants, pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


DISPLAY_NAME_LENGTH = 255


class Person(Base):
    """A Slack user Huddle has seen in the workspace. Their place on each team is a
    :class:`Membership`."""

    __tablename__ = "person"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_LENGTH), default="")
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @validates("display_name")
    def _fit_name(self, _key: str, name: str) -> str:
        """Slack's name fields have no limit we can rely on; one over-long profile must
        not make PostgreSQL refuse the whole roster (SQLite would not even notice)."""
        return name[:DISPLAY_NAME_LENGTH]


class Team(Base):
    """A huddle channel with its own managers, roster, activities, goals and schedule.

    ``settings`` holds the canonical text of each setting a manager may change in Slack
    (``bot.domain.team_settings``), copied from the ``HUDDLE_*`` variables when the team
    was made; ``changed`` records who changed which one in Slack, and when. A team made
    by the upgrade from one-team Huddle has no channel until start-up gives it
    ``HUDDLE_CHANNEL``.
    """

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    settings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    changed: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    """Setting word -> [user ID, ISO instant] of its last change in Slack."""
    created_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Holiday(Base):
    """A day a team does not work: one it added (``kept``), or a public holiday of its
    region it works on after all (not ``kept``: removed). The region's other public
    holidays are not stored; ``bot.domain.team_calendar`` works them out."""

    __tablename__ = "holiday"
    __table_args__ = (Index("ix_holiday_team_id", "team_id"),)

    team_ref: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64), default="")
    kept: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Membership(Base):
    """A person's place on one team: in its channel or not, manager or not, and the
    roster choice a manager made (``on_roster``: None follows the channel)."""

    __tablename__ = "membership"
    __table_args__ = (Index("ix_membership_team_id_user_id", "team_id", "user_id"),)

    team_ref: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    in_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    on_roster: Mapped[bool | None] = mapped_column(Boolean)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When they were first seen in the team's channel: weeks before it are not judged
    (a rep who leaves and comes back is judged from the first join)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamActivity(Base):
    """An activity a team counts, with the team's own labels. Retired, not deleted:
    ``active`` False keeps its history and lets ``/huddle activity add`` bring it back."""

    __tablename__ = "team_activity"

    team_ref: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    singular: Mapped[str] = mapped_column(String(64))
    plural: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Announcement(Base):
    """Where a check-in's line went in one team channel (one line per team)."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_channel_ts", "channel", "ts"),)

    checkin_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32))


class ActivityType(Base):
    """Every activity key known in a workspace, so a check-in of it can be kept
    whichever team counts it; each team's labels and choice are :class:`TeamActivity`."""

    __tablename__ = "activity_type"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    singular: Mapped[str] = mapped_column(String(64))
    plural: Mapped[str] = mapped_column(String(64))


class Goal(Base):
    """A weekly target from week ``valid_from`` on, until a later row replaces it.

    Rows are never updated, only added, so last month's hit/miss is judged against
    last month's goal. ``user_id == TEAM_DEFAULT`` is the team's goal, anything else a
    rep's override; ``target`` NULL switches the goal (or the override) off.
    """

    __tablename__ = "goal"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "activity"], ["activity_type.team_id", "activity_type.key"]
        ),
        CheckConstraint("target > 0", name="target_positive"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_ref: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, primary_key=True)
    target: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckIn(Base):
    """One logged activity. It belongs to the person, and counts on every team they are
    a rep of that counts the activity. Undo marks it (``undone_at``) instead of
    deleting it."""

    __tablename__ = "checkin"
    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "activity"], ["activity_type.team_id", "activity_type.key"]
        ),
        CheckConstraint("count > 0", name="count_positive"),
        Index("ix_checkin_team_day", "team_id", "day"),
        Index("ix_checkin_team_user_day", "team_id", "user_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    activity: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AwayPeriod(Base):
    """Days (inclusive) a person is out, on every team: no nudges, and goals prorated by
    workdays present."""

    __tablename__ = "away_period"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="ordered"),
        Index("ix_away_period_team_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SendLedger(Base):
    """What scheduled message was claimed, sent or lost, per recipient and period.

    The unique key is the at-most-once guarantee: whoever inserts the row first owns
    the send; everyone else sees the row and sends nothing.
    """

    __tablename__ = "send_ledger"
    __table_args__ = (UniqueConstraint("team_id", "kind", "recipient", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)


class ProcessedEvent(Base):
    """An Events API delivery Huddle has handled. Slack redelivers an event (same
    ``event_id``, with ``X-Slack-Retry-Num``) when the answer was slow or failed; the
    primary key lets exactly one delivery through, whichever instance receives it and
    however often the app restarted in between. Rows older than a day are pruned:
    Slack gives up retrying within minutes."""

    __tablename__ = "processed_event"
    __table_args__ = (Index("ix_processed_event_received_at", "received_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Workspace(Base):
    """A workspace that installed Huddle with "Add to Slack" (OAuth mode): when, by
    whom, and whether it has uninstalled it since. The token lives in slack_sdk's
    installation tables below, the teams in ``team``. This row outlives an uninstall
    (the data is kept until ``huddle workspace purge``) and says the workspace is gone,
    so nothing more is sent to it."""

    __tablename__ = "workspace"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    installer_id: Mapped[str] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, SQLAlchemyInstallationStore.default_installations_table_name
)
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(
    Base.metadata, SQLAlchemyInstallationStore.default_bots_table_name
)
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, SQLAlchemyOAuthStateStore.default_table_name
)
"""slack_sdk's own tables for its SQLAlchemy installation and state stores, exactly as
slack_sdk defines them, declared here so that Huddle's migrations create them (never
``create_tables()`` at run time) and the schema test compares them too."""
