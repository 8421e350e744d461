"""Memory of the agent worker: the worker process and each warm job process, as deployed.

    .venv/bin/python benchmarks/agent_memory.py [--idle 3] [--json]

Starts `switchboard agent start` as its own process against the LiveKit fake (which speaks the
agent WebSocket protocol, so the worker registers and warms its job processes exactly as it would
against LiveKit Cloud), waits until `--idle` job processes are warm and their memory has settled,
then reads `/proc/<pid>/smaps_rollup` for the worker and every process under it:

- RSS: resident memory, counting shared pages in full (what `top` shows; sums overcount);
- PSS: shared pages divided among the processes sharing them (sums are the real total);
- USS: private pages only (what one more job process adds).

Linux only (it reads /proc). The sizing advice in docs/deployment.md comes from this.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from switchboard.fakes.livekit import running_livekit_fake
from switchboard.fakes.livekit.agent_ws import workers


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def children(pid: int) -> list[int]:
    """Every process below `pid`."""
    by_parent: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        by_parent.setdefault(int(fields[1]), []).append(int(entry.name))
    out: list[int] = []
    stack = list(by_parent.get(pid, []))
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(by_parent.get(child, []))
    return sorted(out)


def memory(pid: int) -> dict[str, Any]:
    """RSS, PSS and USS in MB, and what the process is."""
    kb: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        kb[key] = int(value.split()[0])
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    uss = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
    return {
        "pid": pid,
        "what": cmdline[:90],
        "rss_mb": round(kb["Rss"] / 1024, 1),
        "pss_mb": round(kb["Pss"] / 1024, 1),
        "uss_mb": round(uss / 1024, 1),
    }


def parent_of_row(row: dict[str, Any]) -> int:
    return int(row["parent"])


def settled(pids: list[int], seconds: float = 2.0) -> bool:
    """Whether no process's RSS moved by more than 1 MB over `seconds`."""
    before = {p: memory(p)["rss_mb"] for p in pids}
    time.sleep(seconds)
    return all(abs(memory(p)["rss_mb"] - before[p]) < 1.0 for p in pids)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--idle", type=int, default=3, help="warm job processes (default 3)")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        sys.exit("this benchmark reads /proc/<pid>/smaps_rollup (Linux 4.14+)")
    with running_livekit_fake() as fake, tempfile.TemporaryDirectory() as data:
        env = os.environ | {
            "LIVEKIT_URL": fake.url,
            "LIVEKIT_API_KEY": fake.api_key,
            "LIVEKIT_API_SECRET": fake.api_secret,
            "AGENT_IDLE_PROCESSES": str(args.idle),
            "AGENT_HTTP_PORT": "0",
            "SWITCHBOARD_DATA_DIR": data,
            "DATABASE_URL": f"sqlite+aiosqlite:///{data}/switchboard.db",
        }
        env.pop("SWITCHBOARD_LLM", None)
        worker = subprocess.Popen(
            [sys.executable, "-m", "switchboard", "agent", "start"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + args.timeout
            while True:
                if worker.poll() is not None:
                    sys.exit(f"the worker exited with {worker.returncode}")
                if time.monotonic() > deadline:
                    sys.exit("the worker did not register and warm up in time")
                pids = [worker.pid, *children(worker.pid)]
                # worker + forkserver (+ its resource tracker) + the warm job processes
                if workers(fake.state) and len(pids) >= args.idle + 2 and settled(pids):
                    break
                time.sleep(0.5)
            rows = [memory(p) | {"parent": parent_of(p)} for p in pids]
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    # Job processes are forked by multiprocessing's forkserver, the worker's child; the worker's
    # other child is multiprocessing's resource tracker.
    helpers = {r["pid"] for r in rows if parent_of_row(r) == worker.pid}
    jobs = [r for r in rows if r["pid"] != worker.pid and r["pid"] not in helpers]
    summary = {
        "processes": rows,
        "total_pss_mb": round(sum(r["pss_mb"] for r in rows), 1),
        "worker_pss_mb": next(r["pss_mb"] for r in rows if r["pid"] == worker.pid),
        "job_process_uss_mb": [r["uss_mb"] for r in jobs],
        "job_process_pss_mb": [r["pss_mb"] for r in jobs],
        "idle_processes": args.idle,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print("| pid | process | RSS MB | PSS MB | USS MB |")
    print("|---|---|---|---|---|")
    for r in rows:
        role = "worker" if r["pid"] == worker.pid else "job" if r in jobs else "helper"
        print(f"| {r['pid']} | {role}: {r['what'][:50]} | {r['rss_mb']} | {r['pss_mb']} | "
              f"{r['uss_mb']} |")  # fmt: skip
    print(
        f"\ntotal (PSS): {summary['total_pss_mb']} MB for the worker and {args.idle} warm job "
        f"processes; each more job process adds about "
        f"{max(summary['job_process_uss_mb'], default=0):.0f} MB (its private memory)"
    )


if __name__ == "__main__":
    main()
