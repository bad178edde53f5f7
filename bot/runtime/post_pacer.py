"""One pace for every ``chat.postMessage`` a process makes, learned from Slack's 429s.

Slack limits posting per workspace (a few hundred messages a minute) and answers a
post over the limit with 429 and ``Retry-After``. Left to slack_sdk's retry handler,
each of the fan-out's parallel posts sleeps on its own and they all retry together:
the first burst after the pause is refused again, every refusal costs a round trip,
and a post refused five times fails. Instead every post of the app's client (the
scheduled jobs) takes a slot from one :class:`PostPacer`, and a 429 to any post
(Bolt's per-request clients share the retry handler) teaches it:

* posts are spaced at the pacer's rate, which starts at what the workspace is
  expected to allow (``HUDDLE_POSTS_PER_MINUTE``);
* a 429 pauses *every* post until ``Retry-After`` has passed (the refused one is
  retried then, from the same pace) and lowers the rate a little, once per pause;
* each post Slack accepts raises the rate a little, so a pacer that was lowered (or
  started low) finds the limit again.

Two instances on one workspace each run their own pacer; Slack's 429s are the only
thing they share, and both pacers settle where together they stay under the limit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

DECREASE = 0.9
"""The rate after a 429, as a share of the rate before it: a gentle step, because a
second instance sharing the workspace means the limit is being found, not hit once."""
INCREASE_PER_POST = 0.02
"""Posts a second added to the rate for each post Slack accepts (about 2% a second
at any rate: the rate is also the number of posts a second)."""
MIN_PER_SECOND = 0.1


class PostPacer:
    """Slots for posts: at most ``rate`` a second, none during a pause Slack asked for."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = per_minute / 60
        self.ceiling = self.rate * 2
        """The pacer never goes faster than twice the expected limit."""
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._resume = 0.0

    async def slot(self) -> None:
        """Wait for this post's turn. A pause that starts while waiting moves it on."""
        while True:
            now = self._clock()
            at = max(now, self._next, self._resume)
            self._next = at + 1 / self.rate
            if at <= now:
                return
            await self._sleep(at - now)
            if self._resume <= self._clock():
                return

    def throttled(self, retry_after: float) -> None:
        """Slack refused a post: no post until ``retry_after`` seconds from now."""
        now = self._clock()
        if self._resume <= now:  # the first refusal of this pause lowers the rate
            self.rate = max(MIN_PER_SECOND, self.rate * DECREASE)
        self._resume = max(self._resume, now + retry_after)
        self._next = self._resume

    def posted(self) -> None:
        """Slack accepted a post: try a little faster."""
        self.rate = min(self.ceiling, self.rate + INCREASE_PER_POST)
