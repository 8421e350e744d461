"""Many whole calls at once in one process: the real agent and offline brain, the warm-transfer
coordinator on the simulated network, one shared store, messages and call records.

    .venv/bin/python benchmarks/calls.py [--calls 200] [--processes 1] [--database-url URL] [--json]

The shipped scenarios (tests/scenarios: every outcome and hang-up point) are cycled until there
are `--calls` calls, all started together; each call is checked against its scenario's `expect`
and for orphans (any room, leg or hold left live). Reported: wall time, calls in flight at once,
CPU time and memory per call, call duration percentiles. Issue 4: 200 concurrent simulated calls
on this 2-core machine, every call completing correctly. Issue 13: 500 at once across 2 worker
processes sharing PostgreSQL (`--calls 500 --processes 2 --database-url postgresql+asyncpg://…`):
each process runs its share, all released at the same instant, on the one database; the figures
are summed (CPU, calls) or taken at the worst process (wall time, p99). Exits non-zero if any call
is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.bootstrap import call_factory
from switchboard.logs import configure_logging
from switchboard.services.calls import CallPolicy
from switchboard.services.local_call import LocalCallSpec, run_local_call
from switchboard.services.scenarios.directories import DEFAULT_KEY, directories_for
from switchboard.services.scenarios.expect import check
from switchboard.services.scenarios.extras import ScenarioExtras
from switchboard.services.scenarios.model import Scenario, is_scenario_file, load_scenario
from switchboard.services.scenarios.runner import scripted_caller

SCENARIOS = Path(__file__).parents[1] / "tests" / "scenarios"


def _stands_alone(scenario: Scenario) -> bool:
    return (
        scenario.extras == ScenarioExtras()
        and scenario.chat_service is None
        and scenario.voicemail is None
    )


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    configure_logging("WARNING")  # the calls' own logs are not what is measured
    every = [load_scenario(p) for p in sorted(SCENARIOS.glob("*.yaml")) if is_scenario_file(p)]
    # A scenario that sets up its own world (earlier calls from the same number, a block list,
    # calendars, a chat service, a voicemail instead of a call) needs a store of its own: the
    # scenario suite runs those; here many calls share one store, as on a real server.
    scenarios = [s for s in every if _stands_alone(s)]
    directories = directories_for(scenarios)
    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'calls.db'}"
    storage = await open_storage(url)
    # The scenarios share caller numbers; on one real line that would be one returning caller,
    # which is not what each scenario expects. Caller memory is measured by its own tests.
    wiring = call_factory(storage, replace(CallPolicy(), caller_memory=False))
    calls = [scenarios[(args.offset + i) % len(scenarios)] for i in range(args.calls)]
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
    if args.start_at:  # several processes: start together
        await asyncio.sleep(max(0.0, args.start_at - time.time()))
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
        "durations": durations if args.start_at else None,
        "call_p50_s": round(q[49], 3),
        "call_p99_s": round(q[98], 3),
        "database": url.split(":", 1)[0],
        "load_average": os.getloadavg(),
    }


def several(args: argparse.Namespace) -> dict[str, Any]:
    """`--processes` children, each with its share of the calls, on one database."""
    if not args.database_url:
        sys.exit("--processes needs a shared --database-url (PostgreSQL)")
    # Create the schema once, before the children race to migrate it.
    asyncio.run(_migrate(args.database_url))
    start_at = time.time() + 8.0  # time for every child to import and build its calls
    shares = [args.calls // args.processes + (k < args.calls % args.processes)
              for k in range(args.processes)]  # fmt: skip
    children = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--calls",
                str(n),
                "--database-url",
                args.database_url,
                "--json",
                "--offset",
                str(sum(shares[:k])),
                "--start-at",
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for k, n in enumerate(shares)
    ]
    parts = [json.loads(child.communicate()[0]) for child in children]
    durations = sorted(d for p in parts for d in p["durations"])
    q = statistics.quantiles(durations, n=100)
    cpu = sum(p["cpu_s"] for p in parts)
    return {
        "calls": args.calls,
        "processes": args.processes,
        "max_in_flight": sum(p["max_in_flight"] for p in parts),
        "wrong": sum(p["wrong"] for p in parts),
        "failures": [f for p in parts for f in p["failures"]][:20],
        "wall_s": max(p["wall_s"] for p in parts),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_call": round(cpu / args.calls * 1000, 1),
        "peak_rss_mb_per_process": [p["peak_rss_mb"] for p in parts],
        "memory_per_call_kb": round(
            sum(p["memory_per_call_kb"] * p["calls"] for p in parts) / args.calls, 1
        ),
        "call_p50_s": round(q[49], 3),
        "call_p99_s": round(q[98], 3),
        "database": args.database_url.split(":", 1)[0],
        "load_average": os.getloadavg(),
    }


async def _migrate(url: str) -> None:
    storage = await open_storage(url)
    await storage.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    stats = asyncio.run(run(args)) if args.processes <= 1 else several(args)
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            if key not in ("failures", "durations"):
                print(f"{key:22} {value}")
        for failure in stats["failures"]:
            print("  ", failure)
    sys.exit(1 if stats["wrong"] else 0)


if __name__ == "__main__":
    main()
