"""The one object handlers call after a check-in or an undo: it owns the channel
line, the board and the App Home publishers, each paced to Slack's limits in tasks of
its own, so a rep's reply never waits on them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.live.announcer import Announcer
from bot.live.board import BoardKeeper
from bot.live.home_publisher import HomeRefresher
from bot.runtime import Runtime
from bot.runtime.batching import Pacer


@dataclass
class LiveUpdates:
    runtime: Runtime
    announcer: Announcer
    boards: BoardKeeper
    homes: HomeRefresher

    @classmethod
    def create(cls, runtime: Runtime) -> LiveUpdates:
        return cls(runtime, Announcer(runtime), BoardKeeper(runtime), HomeRefresher(runtime))

    @property
    def pacers(self) -> tuple[Pacer, ...]:
        return (self.announcer.pacer, self.boards.pacer, self.homes.pacer)

    async def close(self) -> None:
        """Stop paced work still waiting (an announcement or board update due within
        the next second or two is dropped; the check-ins themselves are committed)."""
        for pacer in self.pacers:
            await pacer.close()
