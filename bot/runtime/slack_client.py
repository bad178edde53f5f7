"""The Web API client every part of Huddle uses: retries where repeating is harmless,
posts at one pace for the whole process, and one connection pool for its life."""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.runtime.post_pacer import PostPacer
from bot.runtime.runtime import Runtime

SLACK_TIMEOUT_SECONDS = 10
RATE_LIMIT_RETRIES = 5
PACED_RETRIES = 30
"""A paced post refused again and again is still retried: the pace, not a count, is
what keeps it within the limit, and a post given up waits a whole tick."""
SERVER_ERROR_RETRIES = 3
POST = "chat.postMessage"


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


class PacedRetry(AsyncRetryHandler):
    """A post refused with 429 tells the process's pacer, which pauses every post for
    ``Retry-After``; the refused post is sent again at its next slot."""

    def __init__(self, pacer: PostPacer) -> None:
        super().__init__(max_retry_count=PACED_RETRIES)
        self.pacer = pacer

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429 and request.url.endswith(POST)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        assert response is not None  # only 429 answers are retried here
        state.next_attempt_requested = True
        self.pacer.throttled(_retry_after(response))
        await self.pacer.slot()
        state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> float:
    """Slack's ``Retry-After`` in seconds (1 when missing or unreadable)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0


class PacedWebClient(AsyncWebClient):
    """Every ``chat.postMessage`` takes a slot from the process's pacer first."""

    def __init__(self, pacer: PostPacer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        if api_method != POST:
            return await super().api_call(api_method, **kwargs)
        await self.pacer.slot()
        response = await super().api_call(api_method, **kwargs)
        self.pacer.posted()
        return response


def web_client(runtime: Runtime, token: str | None = None) -> AsyncWebClient:
    """The Web API client. Posts are paced and their 429s handled by the pacer; other
    429s wait out ``Retry-After`` (Slack did nothing); 5xx answers are retried with
    backoff where repeating is harmless; a dropped connection is *not* retried here,
    because whether Slack acted on the call is then unknown (the scheduled jobs decide
    that themselves). ``token``: an installed workspace's (OAuth mode), with a pacer of
    its own, as Slack's limits are per workspace; else the configured one (none in
    OAuth mode, where Bolt's authorize gives each request its workspace's)."""
    pacer = PostPacer(runtime.settings.posts_per_minute)
    return PacedWebClient(
        pacer,
        token=token or runtime.settings.bot_token or None,
        base_url=runtime.settings.api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            PacedRetry(pacer),
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


def shared_connections(client: AsyncWebClient, runtime: Runtime) -> AsyncWebClient:
    """Another client (an installed workspace's) on the process's connection pool."""
    if runtime.slack_http is not None:
        client.session = runtime.slack_http
    return client
