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

Every call is a new process, so a busy worker would collect two files per call and every scrape
would read them all. At scrape time the counters and histograms of processes that have ended are
therefore added into one `counter_archive.db` / `histogram_archive.db` (prometheus-client's own
file format, `mmap_dict.py`, read like any process's file) and their files removed: the totals
are the same, the file count stays at the live processes plus two. A worker killed between adding
a file and removing it would count that one process twice: rare, and only ever in one scrape
interval's worth of numbers.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict

_LIVE_GAUGE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")
_SUMMED = re.compile(r"^(counter|histogram)_(\d+)\.db$")  # per-process files that add up
# Scrapes run in executor threads: one at a time, so none reads a file another is archiving.
_compacting = threading.RLock()


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


def archive_dead_processes(directory: str | Path) -> int:
    """Add the counter and histogram files of ended processes into the archive files and remove
    them; returns how many files were archived."""
    archived = 0
    with _compacting:
        by_kind: dict[str, list[Path]] = {}
        for path in Path(directory).glob("*.db"):
            found = _SUMMED.match(path.name)
            if found and not _alive(int(found.group(2))):
                by_kind.setdefault(found.group(1), []).append(path)
        for kind, paths in by_kind.items():
            archive = MmapedDict(str(Path(directory) / f"{kind}_archive.db"))  # type: ignore[no-untyped-call]
            try:
                for path in sorted(paths):
                    read = MmapedDict.read_all_values_from_file
                    for key, value, timestamp, _pos in read(str(path)):  # type: ignore[no-untyped-call]
                        total, _ts = archive.read_value(key)  # type: ignore[no-untyped-call]
                        archive.write_value(key, total + value, timestamp)  # type: ignore[no-untyped-call]
                    path.unlink()
                    archived += 1
            finally:
                archive.close()  # type: ignore[no-untyped-call]
    return archived


def render(directory: str | Path | None, registry: CollectorRegistry | None = None) -> bytes:
    """The exposition text: every process's files in `directory` (multiprocess mode), else the
    in-process `registry`. Reads files: call it off the event loop."""
    if directory is None:
        return generate_latest(registry) if registry is not None else b""
    with _compacting:
        forget_dead_processes(directory)
        archive_dead_processes(directory)
        collected = CollectorRegistry(auto_describe=True)
        multiprocess.MultiProcessCollector(collected, path=str(directory))  # type: ignore[no-untyped-call]
        return generate_latest(collected)
