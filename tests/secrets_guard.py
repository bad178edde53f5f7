"""The suite-wide guard: no test passes if a configured secret reached a log record or
anything sent to Slack.

Every log record is looked at as it is created (a record factory, so that no handler
set-up, not even ``logging.basicConfig(force=True)`` in the CLI, can skip it), before
any redaction: the redaction in ``bot.runtime.logs`` is the last line of defence, not
a licence to log a secret. What the Slack stand-in recorded (every Web API call's
arguments, uploaded files, and the app's answers to Slack's requests) is looked at
when the test ends.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.standin import SlackWebAPIStandIn
from tests.databases import POSTGRES_URL

BOT_TOKEN = "xoxb-test-0000-huddle-token"
APP_TOKEN = "xapp-1-A0HUDDLE-0000-test-app-token"
SIGNING_SECRET = "test-signing-secret-8f1d2a"
CLIENT_SECRET = "test-client-secret-3c9e77"
DATABASE_PASSWORD = make_url(POSTGRES_URL).password or ""
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, CLIENT_SECRET, DATABASE_PASSWORD)
"""Every secret a test configures Huddle with (tests use these constants)."""
ISSUED: list[Callable[[], Iterable[str]]] = []
"""Sources of secrets made during a test: the bot tokens a ``SlackOAuthStandIn`` issues
when a workspace installs Huddle (a test adds its stand-in's; cleared after each test)."""


class SecretGuard:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def found_in(self, text: str, where: str) -> list[str]:
        issued = tuple(token for source in ISSUED for token in source())
        return [
            f"{where} contains {secret[:8]}…" for secret in self.secrets + issued if secret in text
        ]

    def in_record(self, record: logging.LogRecord) -> list[str]:
        try:
            text = record.getMessage()
        except (TypeError, ValueError):  # a badly formatted record still shows its parts
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "".join(traceback.format_exception(record.exc_info[1]))
        return self.found_in(text, f"log record {record.name}:{record.lineno}")

    def in_slack(self, slack: SlackWebAPIStandIn) -> list[str]:
        leaks = []
        for call in slack.calls:
            leaks += self.found_in(json.dumps(call.args, default=repr), f"Slack call {call.method}")
        for upload in slack.files.values():
            content = (upload.content or b"").decode(errors="replace")
            leaks += self.found_in(content, f"uploaded file {upload.filename}")
        for answer in slack.answers:
            leaks += self.found_in(answer, "an answer to Slack")
        return leaks


@pytest.fixture(autouse=True)
def secrets_never_leak(request: pytest.FixtureRequest) -> Iterator[None]:
    guard, leaks = SecretGuard(SECRETS), []
    previous = logging.getLogRecordFactory()

    def checked(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        leaks.extend(guard.in_record(record))
        return record

    slack = request.getfixturevalue("slack") if "slack" in request.fixturenames else None
    root = logging.getLogger()
    level = root.level
    root.setLevel(min(root.getEffectiveLevel(), logging.INFO))  # what `huddle run` logs
    logging.setLogRecordFactory(checked)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)
        root.setLevel(level)
        ISSUED.clear()
    if slack is not None:
        leaks += guard.in_slack(slack)
    if leaks:
        pytest.fail("a secret leaked: " + "; ".join(dict.fromkeys(leaks)), pytrace=False)
