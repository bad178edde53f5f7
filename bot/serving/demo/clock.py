"""The demo's clock: Huddle reads time only through an injected clock, so a week can
pass in seconds. The demo moves it; nothing else does."""

from __future__ import annotations

from datetime import datetime


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware datetime")
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        if moment < self.now:
            raise ValueError(f"time runs forward: {moment} is before {self.now}")
        self.now = moment
