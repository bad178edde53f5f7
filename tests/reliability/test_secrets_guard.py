"""The suite-wide guard (``tests/secrets_guard.py``) would catch a leak: a secret in a
log record's message, arguments or traceback, in a Web API call, an uploaded file, or
an answer to Slack."""

from __future__ import annotations

import logging
import sys

from slack_sdk.web.async_client import AsyncWebClient

from bot.standin import SlackWebAPIStandIn
from tests.secrets_guard import APP_TOKEN, BOT_TOKEN, SECRETS, SIGNING_SECRET, SecretGuard

GUARD = SecretGuard(SECRETS)


def record(message: str, *args: object, error: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(error), error, error.__traceback__) if error else None
    return logging.LogRecord("huddle.x", logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_secret_in_a_log_record_is_caught_wherever_it_is() -> None:
    assert GUARD.in_record(record("calling Slack with %s", BOT_TOKEN))
    assert GUARD.in_record(record(f"app token {APP_TOKEN}"))
    try:
        raise RuntimeError(f"signature {SIGNING_SECRET}")
    except RuntimeError as error:
        assert GUARD.in_record(record("request failed", error=error))
    assert GUARD.in_record(record("%s %s", "only one argument", BOT_TOKEN[:4])) == []
    assert GUARD.in_record(record("a token xoxb-[secret]")) == []


def test_the_guard_sees_records_as_they_are_created() -> None:
    """The autouse fixture's record factory is in place, whoever set up the handlers."""
    factory = logging.getLogRecordFactory()
    made = factory("huddle.x", logging.INFO, __file__, 1, "hello", None, None)
    assert factory is not logging.LogRecord and made.getMessage() == "hello"
    assert sys.modules["tests.secrets_guard"]


async def test_a_secret_sent_to_slack_is_caught() -> None:
    async with SlackWebAPIStandIn() as other:  # not the ``slack`` fixture the guard checks
        client = AsyncWebClient(token=BOT_TOKEN, base_url=other.api_url)
        await client.auth_test()
        assert GUARD.in_slack(other) == []  # the token authenticates; it is not sent as data
        other.add_channel("C0LEAK", members=[])
        await client.chat_postMessage(channel="C0LEAK", text=f"my token is {BOT_TOKEN}")
        assert GUARD.in_slack(other)
        other.calls.clear()
        other.answers.append(f'{{"text": "{SIGNING_SECRET}"}}')
        assert GUARD.in_slack(other)
