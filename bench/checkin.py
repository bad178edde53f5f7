"""Check-in throughput and latency: the bare-Bolt ceiling, then Huddle on SQLite and on
PostgreSQL, each with its own server, Slack stand-in and load generator processes."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bench.databases import KINDS, database
from bench.processes import cpu_seconds, finish, run_json, service
from bench.server import SIGNING_SECRET
from storage.engine import create_engine
from storage.models import CheckIn


@dataclass(frozen=True)
class Load:
    seconds: float = 10
    warmup: float = 2
    clients: int = 32
    users: int = 500


async def _committed(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(CheckIn)) or 0)
    finally:
        await engine.dispose()


def measure(kind: str, load: Load, database_url: str = "") -> dict[str, Any]:
    """One server under load. With a database, also count the rows committed: every
    answer that said "recorded" must be one."""
    with service("bench.standin", "--users", str(load.users)) as (standin, api_url):
        args = ["--api-url", api_url] + (["--database-url", database_url] if database_url else [])
        with service("bench.server", kind, *args) as (server, url):
            cpu_before, started = cpu_seconds(server.pid), time.monotonic()
            result: dict[str, Any] = run_json(
                "bench.loadgen",
                *("--url", url, "--secret", SIGNING_SECRET, "--seconds", str(load.seconds)),
                *("--warmup", str(load.warmup), "--clients", str(load.clients)),
                *("--users", str(load.users)),
            )
            used = cpu_seconds(server.pid) - cpu_before
            result["server_cpu_share"] = used / (time.monotonic() - started)
            result["server_cpu_ms"] = 1000 * used / max(result["answered_total"], 1)
            finish(server)
        result["slack_rejections"] = finish(standin)["rejections"]
    if database_url:
        result["committed"] = asyncio.run(_committed(database_url))
    return result


def huddle(kind: str) -> Callable[[Load], dict[str, Any]]:
    def run(load: Load) -> dict[str, Any]:
        with database(kind) as url:
            return measure("huddle", load, url)

    return run


RUNS: dict[str, Callable[[Load], dict[str, Any]]] = {
    "bare": lambda load: measure("bare", load),
    **{kind: huddle(kind) for kind in KINDS},
}


def rounds(load: Load, count: int) -> dict[str, list[dict[str, Any]]]:
    """Every server ``count`` times, interleaved, so a noisy neighbour on a small
    machine slows all of them alike rather than one."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in RUNS}
    for _ in range(count):
        for name, run in RUNS.items():
            results[name].append(run(load))
            print(f"  {name}: {results[name][-1].get('rps', 0):.0f} req/s", file=sys.stderr)
    return results
