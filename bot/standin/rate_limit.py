"""A workspace-wide rate limit, as Slack applies to ``chat.postMessage``.

Slack throttles posting per workspace (a few hundred messages a minute, with short
bursts allowed) whatever client or process the calls come from, and answers a call
over the limit with HTTP 429, ``{"ok": false, "error": "ratelimited"}`` and a
``Retry-After`` header in whole seconds. Two Huddle instances talking to one stand-in
therefore share one :class:`RateLimit`, exactly as they would share Slack's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["RateLimit"]


@dataclass
class RateLimit:
    """A token bucket: ``per_minute`` calls a minute, up to ``burst`` at once.

    The bucket starts full; a call takes a token or is refused with the whole
    seconds until one will be there (at least 1, as Slack never says 0).
    """

    per_minute: float
    burst: int
    _tokens: float = field(init=False)
    _at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self._tokens = float(self.burst)

    @property
    def per_second(self) -> float:
        return self.per_minute / 60

    def take(self, now: float) -> int | None:
        """Let one call through at ``now`` (None), or the ``Retry-After`` seconds."""
        if self._at is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.per_second)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return None
        return max(1, math.ceil((1 - self._tokens) / self.per_second))

    def allows(self, times: list[float]) -> bool:
        """Whether calls let through at ``times`` (sorted) kept within this limit: no
        stretch of time held more than ``burst`` plus what the rate refills in it.

        A check independent of the bucket, for tests to assert on what Slack saw.
        """
        return self.most_over(times) <= 1e-6

    def most_over(self, times: list[float]) -> float:
        """How far the busiest stretch of ``times`` (sorted) went over the limit (≤ 0:
        never). A stretch from call i to call j holds j - i + 1 calls and may hold
        ``burst + (times[j] - times[i]) * rate``; the best i for each j is a running
        maximum, so this is one pass."""
        worst = -float(self.burst)
        best_start = -math.inf
        for j, at in enumerate(times):
            best_start = max(best_start, at * self.per_second - j)
            worst = max(worst, j + 1 - at * self.per_second + best_start - self.burst)
        return worst
