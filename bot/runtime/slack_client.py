"""The Web API client every part of Huddle uses: retries where repeating is harmless,
and one connection pool for the life of the process."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.runtime import Runtime

SLACK_TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3


NOT_REPEATABLE = ("/chat.postMessage",)
"""Calls that do something new each time: a 5xx answer may come after Slack posted."""


class ServerErrorRetry(AsyncServerErrorRetryHandler):
    """Retries 500/503 answers, except to calls that would post a second message: Slack
    sometimes fails *after* posting, so whether it did is unknown, and the scheduled
    jobs look in the conversation before posting again (``bot.scheduled.sender``)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.endswith(NOT_REPEATABLE):
            return False
        return bool(
            await super()._can_retry_async(
                state=state, request=request, response=response, error=error
            )
        )


def web_client(runtime: Runtime) -> AsyncWebClient:
    """The Web API client. 429s wait out ``Retry-After`` (Slack did nothing) and 5xx
    answers are retried with backoff where repeating is harmless; a dropped connection
    is *not* retried here, because whether Slack acted on the call is then unknown
    (the scheduled jobs decide that themselves)."""
    return AsyncWebClient(
        token=runtime.settings.bot_token,
        base_url=runtime.settings.api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetry(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def keep_connections(client: AsyncWebClient, runtime: Runtime) -> None:
    """Give the client one connection pool for the life of the process. Without one,
    slack_sdk opens a session, a TCP connection and a resolver lookup for every call,
    which costs more CPU than the call itself. Needs a running event loop."""
    runtime.slack_http = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT_SECONDS)
    )
    client.session = runtime.slack_http
