"""Many whole calls at once in one process: the real agent and offline brain, the warm-transfer
coordinator on the simulated network, one shared store, messages and call records.

    .venv/bin/python benchmarks/calls.py [--calls 200] [--database-url URL] [--json]

The shipped scenarios (tests/scenarios: every outcome and hang-up point) are cycled until there
are `--calls` calls, all started together; each call is checked against its scenario's `expect`
and for orphans (any room, leg or hold left live). Reported: wall time, calls in flight at once,
CPU time and memory per call, call duration percentiles. Issue 4: 200 concurrent simulated calls
on this 2-core machine, every call completing correctly. Exits non-zero if any call is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.bootstrap import call_factory
from switchboard.logs import configure_logging
from switchboard.services.local_call import LocalCallSpec, run_local_call
from switchboard.services.scenarios.directories import DEFAULT_KEY, directories_for
from switchboard.services.scenarios.expect import check
from switchboard.services.scenarios.model import is_scenario_file, load_scenario
from switchboard.services.scenarios.runner import scripted_caller

SCENARIOS = Path(__file__).parents[1] / "tests" / "scenarios"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    configure_logging("WARNING")  # the calls' own logs are not what is measured
    scenarios = [load_scenario(p) for p in sorted(SCENARIOS.glob("*.yaml")) if is_scenario_file(p)]
    directories = directories_for(scenarios)
    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'calls.db'}"
    storage = await open_storage(url)
    wiring = call_factory(storage)
    calls = [scenarios[i % len(scenarios)] for i in range(args.calls)]
    in_flight = peak = 0
    durations: list[float] = []
    failures: list[str] = []
    start_gate = asyncio.Event()

    async def one(i: int) -> None:
        nonlocal in_flight, peak
        scenario = calls[i]
        directory = directories[scenario.directory or DEFAULT_KEY]
        spec = LocalCallSpec(
            directory=directory, start=scenario.now, employees=scenario.employees,
            caller_number=scenario.caller_number, hangup=scenario.hangup,
        )  # fmt: skip
        read = scripted_caller(scenario)
        await start_gate.wait()
        in_flight += 1
        peak = max(peak, in_flight)
        began = time.perf_counter()
        try:
            result = await run_local_call(spec, wiring, read)
            wrong = check(scenario.expect, result, directory, scenario.caller_number)
            failures.extend(f"call {i} ({scenario.name}): {w}" for w in wrong)
        except Exception as exc:
            failures.append(f"call {i} ({scenario.name}): crashed: {type(exc).__name__}: {exc}")
        finally:
            durations.append(time.perf_counter() - began)
            in_flight -= 1

    gc.collect()
    rss0, cpu0 = rss_mb(), time.process_time()
    tasks = [asyncio.create_task(one(i)) for i in range(args.calls)]
    await asyncio.sleep(0)
    wall0 = time.perf_counter()
    start_gate.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss1 = rss_mb()
    await storage.dispose()
    durations.sort()
    q = statistics.quantiles(durations, n=100)
    return {
        "calls": args.calls,
        "scenarios": len(scenarios),
        "max_in_flight": peak,
        "wrong": len(failures),
        "failures": failures[:20],
        "wall_s": round(wall, 2),
        "calls_per_s": round(args.calls / wall, 1),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_call": round(cpu / args.calls * 1000, 1),
        "rss_before_mb": round(rss0, 1),
        "rss_after_mb": round(rss1, 1),
        "peak_rss_mb": round(peak_rss, 1),
        "memory_per_call_kb": round((peak_rss - rss0) * 1024 / args.calls, 1),
        "call_p50_s": round(q[49], 3),
        "call_p99_s": round(q[98], 3),
        "database": url.split(":", 1)[0],
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    stats = asyncio.run(run(args))
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            if key != "failures":
                print(f"{key:22} {value}")
        for failure in stats["failures"]:
            print("  ", failure)
    sys.exit(1 if stats["wrong"] else 0)


if __name__ == "__main__":
    main()
