"""Slack's request signature is always verified: nothing unsigned has any effect."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from storage.models import CheckIn
from tests.conftest import Running

BODY = urlencode(
    {
        "command": "/logmeeting",
        "text": "2",
        "team_id": "T0HUDDLE",
        "user_id": "UALICE",
        "user_name": "alice",
        "channel_id": "CHUDDLE01",
        "response_url": "http://127.0.0.1:9/x",
        "trigger_id": "1.2.3",
    }
).encode()


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": "v0=" + "0" * 64},
        {"timestamp": str(int(time.time()) - 301)},
        {"sign": False},
    ],
    ids=["forged", "stale", "missing-headers"],
)
async def test_bad_signature_is_refused_and_stores_nothing(
    running: Running, tamper: dict[str, object]
) -> None:
    response = await running.signed.raw(BODY, **tamper)  # type: ignore[arg-type]
    assert response.status == 401
    async with running.huddle.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 0


async def test_healthz(running: Running) -> None:
    response = await running.signed.raw(b"", sign=False)  # warm the session
    assert response.status == 401
    import aiohttp

    async with aiohttp.ClientSession() as http, http.get(f"{running.url}/healthz") as health:
        assert health.status == 200
        assert (await health.json())["ok"] is True
