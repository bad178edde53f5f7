"""``make bench``: check-in throughput against bare Bolt, company scale, and the Thursday
fan-out at Slack's pace; prints the tables of docs/PERFORMANCE.md (Markdown) for this
machine.

    python -m bench [--seconds 10] [--rounds 2] [--only checkin|scale|fanout]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from sqlalchemy import text

from bench.checkin import Load, rounds
from bench.company import QUICK, company
from bench.databases import KINDS, database
from bench.fanout import BURST, POSTS_PER_MINUTE, RUNS, fan_out
from bench.processes import finish, run_json, service
from storage.engine import create_engine
from tests.databases import POSTGRES_URL

TARGET_RATIO, TARGET_P99_MS = 0.35, 100  # issue 14 (the first target was 0.6)
TARGET_PLAN_S, TARGET_DM_MS, TARGET_RSS_MB = 1.0, 2.0, 150
TARGET_FLOOR_RATIO = 1.1
LIBRARIES = ("slack_bolt", "slack_sdk", "aiohttp", "SQLAlchemy", "aiosqlite", "asyncpg")


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


async def _postgres_version() -> str:
    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            return str(await connection.scalar(text("SHOW server_version")))
    finally:
        await engine.dispose()


def machine() -> list[str]:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    libraries = ", ".join(f"{name} {version(name)}" for name in LIBRARIES)
    return [
        f"- Machine: {os.cpu_count()} CPUs (`nproc`), {total} memory (`free -h`), "
        f"{platform.machine()} Linux {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {asyncio.run(_postgres_version())}",
        f"- {libraries}",
        f"- Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average before: "
        f"{os.getloadavg()[0]:.2f}",
    ]


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the most requests a second: on a shared machine, others' load
    only ever slows a run down."""
    return max(runs, key=lambda r: r.get("rps", 0))


def checkin_table(load: Load, count: int) -> list[str]:
    results = rounds(load, count)
    bare = _best(results["bare"])
    lines = [
        f"Check-ins: signed `/logmeeting` over HTTP, {load.clients} clients, {load.seconds:.0f} s "
        f"measured after {load.warmup:.0f} s warm-up, best of {count} interleaved rounds.",
        "",
        "| server | req/s | p50 ms | p99 ms | ÷ bare Bolt | server CPU ms/req "
        "| answered 200 / committed | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| bare Bolt AsyncApp, ack only (ceiling) | {bare['rps']:.0f} | {bare['p50_ms']:.1f} "
        f"| {bare['p99_ms']:.1f} | 1.00 | {bare['server_cpu_ms']:.2f} "
        f"| {bare['answered_total']} / – | |",
    ]
    for kind in KINDS:
        best = _best(results[kind])
        ratio = best["rps"] / bare["rps"]
        exact = not best["failures"] and best["committed"] == best["answered_total"]
        targets = (
            f"ratio {_mark(ratio >= TARGET_RATIO)} p99 {_mark(best['p99_ms'] < TARGET_P99_MS)} "
            f"all 200 & committed {_mark(exact)}"
        )
        failures = f" ({best['failures']})" if best["failures"] else ""
        lines.append(
            f"| Huddle on {kind} | {best['rps']:.0f} | {best['p50_ms']:.1f} "
            f"| {best['p99_ms']:.1f} | {ratio:.2f} | {best['server_cpu_ms']:.2f} "
            f"| {best['answered_total']} / {best['committed']}{failures} | {targets} |"
        )
    every = ", ".join(
        f"{name} " + "/".join(f"{r.get('rps', 0):.0f}" for r in runs)
        for name, runs in results.items()
    )
    lines += ["", f"Every round (req/s): {every}."]
    return lines


def company_scale(kind: str) -> dict[str, Any]:
    """Seed the company (in a process of its own), then measure (in another)."""
    with database(kind) as url:
        started = time.perf_counter()
        seeded = run_json("bench.company", "--database-url", url)
        seeded["seconds"] = time.perf_counter() - started
        with service("bench.standin", "--company") as (standin, api_url):
            result: dict[str, Any] = run_json(
                "bench.scale", "--database-url", url, "--api-url", api_url
            )
            result["slack_rejections"] = finish(standin)["rejections"]
    result["seeded"] = seeded
    return result


def _scale() -> str:
    firm = company()
    sizes = firm.sizes()
    two = sum(len(team.reps) - team.own for team in firm.teams)
    custom = sum(team.custom for team in firm.teams)
    quick = " (`BENCH_QUICK=1`: a fifth of the reps)" if QUICK else ""
    return (
        f"{len(firm.reps):,} reps in ONE workspace of {len(sizes)} teams{quick} (one of "
        f"{sizes[0]}, the others {min(sizes[1:])}–{max(sizes[1:])}), {two} reps on two teams, "
        f"{custom} teams with a custom activity, reps in four timezones"
    )


def scale_table() -> list[str]:
    results = {kind: company_scale(kind) for kind in KINDS}
    seeded = results["sqlite"]["seeded"]
    teams = results["sqlite"]["teams"]

    def row(label: str, cell: Any, target: str = "") -> str:
        cells = " | ".join(cell(results[kind]) for kind in KINDS)
        return f"| {label} | {cells} | {target} |"

    def statements(r: dict[str, Any]) -> str:
        counts = [r["tick_statements_company"], r["tick_statements_small"]]
        return " / ".join(map(str, counts)) + " " + _mark(len(set(counts)) == 1)

    def summaries(r: dict[str, Any]) -> str:
        per_team = r["summary_seconds"] / r["teams"]
        return f"{r['summary_seconds']:.1f} s ({per_team:.2f} s a team)"

    def summary_cpu(r: dict[str, Any]) -> str:
        return f"{r['summary_cpu_seconds'] / r['teams']:.2f} s"

    return [
        f"Company scale: {_scale()}; {seeded['checkins']:,} check-ins (this week and four "
        f"weeks of history, {seeded['seconds']:.0f} s to generate), Thursday 18:00 New York.",
        "",
        "| measure | " + " | ".join(KINDS) + " | target |",
        "|---|---:|---:|---|",
        row(
            f"one tick planning all {teams} teams (load + plan; best of 3)",
            lambda r: f"{r['plan_seconds']:.2f} s {_mark(r['plan_seconds'] < TARGET_PLAN_S)}",
            f"< {TARGET_PLAN_S:.0f} s",
        ),
        row("  its CPU", lambda r: f"{r['plan_cpu_seconds']:.2f} s"),
        row(
            f"statements of that tick ({teams} teams / one team of 10)",
            statements,
            "the same",
        ),
        row("nudges planned / sent", lambda r: f"{r['nudges_planned']} / {r['dms_sent']}"),
        row(
            "CPU per delivered DM (unpaced)",
            lambda r: f"{r['cpu_ms_per_dm']:.2f} ms {_mark(r['cpu_ms_per_dm'] < TARGET_DM_MS)}",
            f"< {TARGET_DM_MS:.0f} ms",
        ),
        row(
            "Friday: summaries + charts, digests + charts, every team (wall)",
            summaries,
        ),
        row("  CPU per team", summary_cpu),
        row(
            "summaries / summary charts / digests / digest charts; Slack rejections",
            lambda r: (
                f"{r['summary_sent']} / {r['summary_chart_sent']} / {r['digest_sent']} / "
                f"{r['digest_chart_sent']}; {len(r['slack_rejections'])} "
                + _mark(not r["slack_rejections"] and not r["summary_failed"])
            ),
            "every team; none",
        ),
        row(
            "RSS: after imports / after planning / peak",
            lambda r: (
                f"{r['rss_imported_mb']:.0f} / {r['rss_after_plan_mb']:.0f} / "
                f"{r['peak_rss_mb']:.0f} MB {_mark(r['peak_rss_mb'] < TARGET_RSS_MB)}"
            ),
            f"peak < {TARGET_RSS_MB} MB",
        ),
    ]


def fanout_table() -> list[str]:
    results = [fan_out(run) for run in RUNS]
    planned = results[0]["planned"]
    lines = [
        f"Thursday fan-out: {planned:,} nudges due for {_scale()}, "
        f"through the workspace's posting limit of {POSTS_PER_MINUTE:,} a minute "
        f"(burst {BURST}; Slack's few hundred a minute sped up, the ratio is what counts): "
        f"floor {planned / (POSTS_PER_MINUTE / 60):.1f} s.",
        "",
        "| database, instances | last nudge after | ÷ floor | planning in it | sending ÷ floor "
        "| received / duplicates / lost "
        "| sent by each | 429s | over the limit | out of window order | every team's first by "
        "| targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run, r in zip(RUNS, results, strict=True):
        exact = r["duplicates"] == 0 and r["lost"] == 0 and not r["failed"] and not r["unknown"]
        within = r["most_over_limit"] <= 1e-6
        targets = (
            f"÷ floor {_mark(r['ratio'] <= TARGET_FLOOR_RATIO)} once each {_mark(exact)} "
            f"within the limit {_mark(within)}"
        )
        lines.append(
            f"| {run.kind}, {run.instances} | {r['last_seconds']:.1f} s | {r['ratio']:.2f} "
            f"| {r['plan_seconds']:.1f} s | {r['sending_ratio']:.2f} "
            f"| {r['received']} / {r['duplicates']} / {r['lost']} "
            f"| {' + '.join(map(str, r['sent_by']))} | {r['ratelimited']} "
            f"| {'no' if within else 'yes'} | {r['out_of_order']} "
            f"| {r['every_team_by']:.1f} s ({r['teams_reached']} teams) | {targets} |"
        )
    plans = ", ".join(f"{r['plan_seconds']:.2f}" for r in results)
    cpu = ", ".join(f"{r['cpu_ms_per_nudge']:.2f}" for r in results)
    lines += [
        "",
        f"Planning inside that time (s): {plans}; CPU per nudge (ms, all instances): {cpu}.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per server")
    parser.add_argument("--only", choices=["checkin", "scale", "fanout"])
    args = parser.parse_args()
    started = time.perf_counter()
    out = ["## Huddle benchmark", "", *machine(), ""]
    if args.only in (None, "checkin"):
        print("check-ins…", file=sys.stderr)
        out += [*checkin_table(Load(seconds=args.seconds), args.rounds), ""]
    if args.only in (None, "scale"):
        print("company scale…", file=sys.stderr)
        out += [*scale_table(), ""]
    if args.only in (None, "fanout"):
        print("Thursday fan-out…", file=sys.stderr)
        out += [*fanout_table(), ""]
    out.append(f"Benchmark time: {time.perf_counter() - started:.0f} s.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
