"""Chart rendering time for 10, 50 and 500 reps, and the example images in docs/.

    python -m bench.charts [--examples docs]

Times are the best of a few runs, wall clock and CPU (the CPU time is the fairer number
on a shared machine). ``--examples DIR`` also writes ``summary-chart.png`` and
``digest-chart.png`` there, drawn from a made-up team of eight.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from functools import partial
from io import BytesIO
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.messages.charts import RepShare, Share, summary_chart, trend_chart

ACTIVITIES = ("meetings", "calls")
WEEKS = tuple(f"W{n}" for n in range(41, 49))
TITLE = "Week 48 (23–29 Nov 2026): results"
TEAM = (
    RepShare("Amélie Laurent", {"meetings": 1.33, "calls": 1.1}),
    RepShare("Jonas Müller", {"meetings": 1.17, "calls": 1.0}),
    RepShare("Priya Raghunathan-Venkataraman", {"meetings": 1.0, "calls": 2.4}),
    RepShare("Marcus Chen", {"meetings": 1.0, "calls": 0.88}, away=True),
    RepShare("Sofia García", {"meetings": 0.67, "calls": 0.95}),
    RepShare("Dan O'Brien", {"meetings": 0.5, "calls": 0.62}),
    RepShare("Kwame Mensah", {"meetings": 0.33, "calls": 0.4}),
    RepShare("Noor Haddad", {"meetings": None, "calls": None}),
)
HISTORY: tuple[tuple[str, Share], ...] = tuple(
    zip(WEEKS, (0.71, 0.78, 0.69, None, 0.8, 0.85, 0.9, 0.83), strict=True)
)
MISSED: tuple[tuple[str, Sequence[Share]], ...] = (
    ("Kwame Mensah", (0.6, 0.7, 0.5, None, 0.8, 0.4, 0.3, 0.36)),
    ("Dan O'Brien", (1.1, 1.0, 0.9, None, 0.95, 1.2, 0.8, 0.56)),
    ("Sofia García", (1.0, 1.2, 1.1, None, 0.9, 1.0, 1.6, 0.81)),
    ("Marcus Chen", (None, None, 0.8, None, 1.0, 1.1, 1.0, 0.94)),
)


def _team(size: int, rnd: random.Random) -> list[RepShare]:
    activities = ("meetings", "calls", "demos")
    return [
        RepShare(
            f"Rep {i} {rnd.choice(['Lopez', 'Okafor', 'Kowalski', 'Washington-Brown'])}",
            {a: None if rnd.random() < 0.05 else rnd.uniform(0, 1.6) for a in activities},
            away=rnd.random() < 0.1,
        )
        for i in range(size)
    ]


def _best(render: Callable[[], bytes], rounds: int = 3) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        render()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu


def _bare_figure() -> bytes:
    """One line in a 1000x1000 px figure: what this machine takes for any chart at all."""
    figure = Figure(figsize=(10, 10), dpi=100)
    FigureCanvasAgg(figure)
    figure.add_subplot().plot([0, 1])
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, help="write the example PNGs here")
    args = parser.parse_args()
    if args.examples:
        (args.examples / "summary-chart.png").write_bytes(
            summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY)
        )
        (args.examples / "digest-chart.png").write_bytes(
            trend_chart("Missed a goal in week 48: their last 8 weeks", WEEKS, MISSED)
        )
    rnd = random.Random(48)
    summary_chart(TITLE, ACTIVITIES, TEAM, HISTORY)  # load the fonts once
    wall, cpu = _best(_bare_figure)
    print(f"Yardstick, a bare 1000x1000 px matplotlib plot: {wall:.2f} s wall, {cpu:.2f} s CPU\n")
    print("| reps | summary wall | summary CPU | trend wall | trend CPU |")
    print("|---:|---:|---:|---:|---:|")
    for size in (10, 50, 500):
        reps = _team(size, rnd)
        history = [(week, rnd.uniform(0.6, 1.1)) for week in WEEKS]
        trends = [(r.name, [rnd.choice([None, rnd.uniform(0, 1.3)]) for _ in WEEKS]) for r in reps]
        s_wall, s_cpu = _best(
            partial(summary_chart, TITLE, ("meetings", "calls", "demos"), reps, history)
        )
        t_wall, t_cpu = _best(partial(trend_chart, "Trend", WEEKS, trends))
        print(f"| {size} | {s_wall:.2f} s | {s_cpu:.2f} s | {t_wall:.2f} s | {t_cpu:.2f} s |")


if __name__ == "__main__":
    main()
