"""What every handler and job shares: settings, the database, the clock, caches and
the Slack client's connection pool."""

from bot.runtime.runtime import Runtime

__all__ = ["Runtime"]
