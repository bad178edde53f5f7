"""Starting the benchmark's processes and reading their CPU time.

Every piece runs in its own process, so that on a 2-core machine the server under
test has an event loop (and a core) of its own: the load generator and the Slack
stand-in never steal its loop, only share the other core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
READY = "READY "


@contextmanager
def service(module: str, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start ``python -m module args``; yield it and the URL it printed when ready.

    Closing its standard input asks it to stop; whatever it prints then is collected
    by :func:`finish`.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(READY):
        process.kill()
        raise RuntimeError(f"{module} did not start: {line!r}")
    try:
        yield process, line.removeprefix(READY).strip()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def finish(process: subprocess.Popen[str], timeout: float = 60) -> Any:
    """Close its input, wait for it to exit, and parse the JSON it printed last (if any)."""
    out, _ = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def run_json(module: str, *args: str, timeout: float = 600) -> Any:
    """Run ``python -m module args`` to completion and parse the JSON it prints."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
