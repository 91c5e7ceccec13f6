"""Measuring a piece of work: wall time, peak memory of its process tree, a time limit.

Each measured piece runs in its own process (``python -m bench.probes ...``), so its
memory is its own and a slow engine can be stopped at its time limit. Peak memory is
the largest sum of the resident set sizes of the process and its children, sampled
every 0.1 s from ``/proc`` (pages shared after a fork count once per process, so it
errs on the high side), and never less than the largest ``ru_maxrss`` of any of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    """What a probe process did: its JSON answer, or why there is none."""

    seconds: float
    peak_bytes: int
    result: dict[str, Any] = field(default_factory=dict)
    timed_out: bool = False
    error: str = ""
    out_of_memory: bool = False

    @property
    def ok(self) -> bool:
        return not self.timed_out and not self.error and not self.out_of_memory


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss(p)
        todo += _children(p)
    return total


MEMORY_LIMIT = 10 * 2**30
"""A probe whose processes hold more than this is stopped (the machine is shared)."""


def probe(*args: str, timeout: float, memory_limit: int = MEMORY_LIMIT) -> Measured:
    """Run ``python -m bench.probes ARGS`` and measure it; its last stdout line is JSON.

    It is stopped after ``timeout`` seconds or when its resident memory passes ``memory_limit``.
    """
    command = [sys.executable, "-m", "bench.probes", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()
    too_big = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss(proc.pid))
            if peak[0] > memory_limit:
                too_big.set()
                _kill(proc.pid)
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill(proc.pid)
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    measured = Measured(seconds, max(peak[0], maxrss if maxrss > before else 0), timed_out=timed_out)
    if too_big.is_set():
        measured.out_of_memory = True
        return measured
    if timed_out:
        return measured
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        measured.error = (err.strip().splitlines() or [f"exit code {proc.returncode}"])[-1][:300]
        return measured
    measured.result = json.loads(lines[-1])
    measured.peak_bytes = max(measured.peak_bytes, int(measured.result.get("maxrss_bytes", 0)))
    return measured


def _kill(pid: int) -> None:
    for p in [*_descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, 9)


def _descendants(pid: int) -> list[int]:
    out, todo = [], _children(pid)
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def own_maxrss() -> int:
    """Largest resident set of this process or any child it waited for, in bytes."""
    return 1024 * max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import pyoxigraph
    import rdflib

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "load": os.getloadavg()[0],
    }
