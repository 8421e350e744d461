"""The numbers of every job process, served by the worker's main process.

livekit-agents runs each call in a separate process (`ipc/proc_pool.py`), so a per-process
registry would only ever show the main process, which answers no call. We use
prometheus-client's multiprocess mode, which livekit-agents itself supports
(`ServerOptions.prometheus_multiproc_dir`, livekit-agents 1.8.9 `worker.py:271-275,704-721`:
it exports `PROMETHEUS_MULTIPROC_DIR` before the process pool starts, so every job process
inherits it, and empties the directory at start): each job process writes its values to files
named by its pid, and a scrape adds them up. Counters and histograms of ended processes keep
counting (that is what a counter is); "live" gauges of a process that died without a goodbye
(a crash, an OOM kill) are dropped here, at scrape time, so a dead call never stays in progress.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess

_LIVE_GAUGE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def forget_dead_processes(directory: str | Path) -> list[int]:
    """Drop the live-gauge files of processes that no longer exist; returns their pids."""
    dead = set()
    for path in Path(directory).glob("gauge_live*.db"):
        found = _LIVE_GAUGE.match(path.name)
        if found and not _alive(pid := int(found.group(1))):
            dead.add(pid)
    for pid in dead:
        multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
    return sorted(dead)


def render(directory: str | Path | None, registry: CollectorRegistry | None = None) -> bytes:
    """The exposition text: every process's files in `directory` (multiprocess mode), else the
    in-process `registry`. Reads files: call it off the event loop."""
    if directory is None:
        return generate_latest(registry) if registry is not None else b""
    forget_dead_processes(directory)
    collected = CollectorRegistry(auto_describe=True)
    multiprocess.MultiProcessCollector(collected, path=str(directory))  # type: ignore[no-untyped-call]
    return generate_latest(collected)
