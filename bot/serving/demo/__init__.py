"""``huddle demo`` (and ``make run`` without credentials): a whole week of a sales team
played in seconds through the real app, tick, planner and sender against the local
Slack stand-in, on a simulated clock, and printed as a transcript."""

from bot.serving.demo.week import run_demo

__all__ = ["run_demo"]
