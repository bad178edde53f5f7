"""The load generator: signed ``/logmeeting`` commands from N clients (32) for a fixed time.

Runs in its own process (``python -m bench.loadgen``) so it never shares the
server's event loop. Each client sends its next command as soon as the previous one
is answered (a closed loop), so throughput and latency are two views of one run.
Requests are signed by ``bot.standin.signed`` exactly as Slack signs them; every note
is unique, so Huddle's 30-second repeat guard never swallows one and each answer
that says "recorded" must correspond to one committed row.

Prints one JSON object: requests, failures, elapsed seconds, latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field

import aiohttp

from bench.company import user_id
from bot.standin import SignedSlackClient

NOT_RECORDED = "couldn't save"
"""Huddle answers 200 with this text when the database refused the check-in."""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    answered: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        self.failures[reason] = self.failures.get(reason, 0) + 1


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (which it sorts in place)."""
    if not values:
        return float("nan")
    values.sort()
    rank = max(0, min(len(values) - 1, round(share * len(values)) - 1))
    return values[rank]


async def client_loop(
    client: SignedSlackClient,
    number: int,
    clients: int,
    users: list[str],
    deadline: float,
    measure_from: float,
    tally: Tally,
) -> None:
    sent = 0
    while time.monotonic() < deadline:
        user = users[(number + sent * clients) % len(users)]
        note = f"bench c{number} n{sent}"
        try:
            response = await client.command(user, "/logmeeting", f"1 {note}")
        except (aiohttp.ClientError, TimeoutError) as error:
            tally.fail(type(error).__name__)
            sent += 1
            continue
        sent += 1
        if response.status != 200:
            tally.fail(f"HTTP {response.status}")
        elif NOT_RECORDED in response.text:
            tally.fail("not recorded")
        else:
            tally.answered += 1
        if time.monotonic() - response.elapsed >= measure_from:
            tally.latencies.append(response.elapsed)


async def run(
    url: str, secret: str, seconds: float, warmup: float, clients: int, users: int
) -> dict[str, object]:
    user_ids = [user_id(i) for i in range(users)]
    tally = Tally()
    cpu_started, wall_started = time.process_time(), time.monotonic()
    measure_from = time.monotonic() + warmup
    deadline = measure_from + seconds
    async with SignedSlackClient(f"{url}/slack/events", secret, timeout=30) as signed:
        await asyncio.gather(
            *(
                client_loop(signed, n, clients, user_ids, deadline, measure_from, tally)
                for n in range(clients)
            )
        )
    finished = time.monotonic()
    measured = tally.latencies
    return {
        "requests": len(measured),
        "answered_total": tally.answered,
        "failures": tally.failures,
        "seconds": finished - measure_from,
        "rps": len(measured) / (finished - measure_from),
        "p50_ms": percentile(measured, 0.50) * 1000,
        "p99_ms": percentile(measured, 0.99) * 1000,
        "max_ms": max(measured) * 1000 if measured else float("nan"),
        "loadgen_cpu": (time.process_time() - cpu_started) / (finished - wall_started),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args()
    result = asyncio.run(
        run(args.url, args.secret, args.seconds, args.warmup, args.clients, args.users)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
