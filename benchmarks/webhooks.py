"""Signed Twilio status callbacks with their database write, against a bare Starlette endpoint.

    .venv/bin/python benchmarks/webhooks.py [--seconds 10] [--rate 300] [--json]
                                            [--callbacks known|unknown|calls]
                                            [--postgres postgresql+asyncpg://postgres@127.0.0.1/postgres]

Each server runs under uvicorn in its OWN process, and the load comes from yet another process:
- `switchboard`: the real app (`create_app` + `WebhookService` + SQL stores), signature validation,
  idempotency receipt, the forward-only status UPDATE, metrics and a JSON access line per request;
- `bare`: a Starlette endpoint that answers 204 and does nothing (the ceiling);
- `bare+db`: a Starlette endpoint that parses the form and does the same status UPDATE, with no
  signature, idempotency, FastAPI or logging (what the database alone costs).
Throughput: `wrk` (Debian package) with every request a distinct, correctly signed callback.
`--callbacks` picks which: `known` (message status for a notification that exists), `unknown`
(message SIDs we never sent: probes, other apps on the account — the early-status path) or `calls`
(call status callbacks). Latency: an open-loop generator at a fixed `--rate` (requests are timed
from when they were due, so a stall counts against us). Targets (issue 13): p99 ≤ 50 ms at
300 req/s, and throughput ≥ 150% of `bare+db` (the same durable write, one transaction each).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

TOKEN = "b" * 32
STATUSES = ("sent", "delivered")


# --- servers (run in child processes) -------------------------------------------------------------------
async def seed(url: str, count: int) -> None:
    """`count` SMS notifications in state `queued` with provider ids SM0…, ready for callbacks."""
    from sqlalchemy import insert

    from switchboard.adapters.sqlalchemy import open_storage
    from switchboard.adapters.sqlalchemy.message_rows import message_row, notification_row
    from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
    from switchboard.domain.messages import Message, RecipientKind
    from switchboard.domain.notifications import Channel, Notification

    storage = await open_storage(url)
    now = datetime.now(UTC)
    async with storage.engine.begin() as conn:
        for start in range(0, count, 2000):
            ids = range(start, min(count, start + 2000))
            ms = [
                Message(f"m{i}", RecipientKind.EMPLOYEE, "ann", "Bob", None, "hi", now) for i in ids
            ]
            ns = [
                Notification(f"m{i}.sms.0", f"m{i}", Channel.SMS, "+13125550112", now, now,
                             provider_id=f"SM{i}")
                for i in ids
            ]  # fmt: skip
            await conn.execute(insert(messages), [message_row(m) for m in ms])
            await conn.execute(insert(notifications), [notification_row(n) for n in ns])
    await storage.dispose()


def build_app(kind: str) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    if kind == "bare":

        async def nothing(_: Request) -> Response:
            return Response(status_code=204)

        return Starlette(routes=[Route("/twilio/status", nothing, methods=["POST"])])
    raise ValueError(kind)


async def serve(kind: str, url: str, port: int) -> None:
    import uvicorn

    from switchboard.logs import configure_logging

    configure_logging("INFO", "json")  # the real access log, written to wherever stderr goes
    cleanup: list[Any] = []
    if kind == "switchboard":
        from switchboard.adapters.sqlalchemy.message_stats import SqlAlchemyMessageStats
        from switchboard.bootstrap import bootstrap
        from switchboard.bootstrap.messages import open_messaging
        from switchboard.entrypoints.web import create_app
        from switchboard.settings import Settings

        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            twilio_auth_token=TOKEN,
            webhook_base_url=f"http://127.0.0.1:{port}",
            data_dir=Path(tempfile.mkdtemp()),
        )
        application = await bootstrap(settings, configure_logs=False)
        messaging_cm = open_messaging(application)
        messaging = await messaging_cm.__aenter__()
        cleanup.append(messaging_cm)
        app = create_app(
            settings,
            messaging.webhooks,
            ready=application.storage.is_ready,
            stats=SqlAlchemyMessageStats(application.storage.engine).outbox_stats,
        )
    elif kind == "bare+db":
        from sqlalchemy import insert
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route

        from switchboard.adapters.sqlalchemy import open_storage
        from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
        from switchboard.adapters.sqlalchemy.webhook_tables import twilio_call_statuses
        from switchboard.domain.notifications import status_from_twilio

        storage = await open_storage(url)
        outbox = SqlAlchemyMessageOutbox(storage.engine)
        engine = storage.engine

        async def update(request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode()))
            now = datetime.now(UTC)
            if "CallSid" in form:  # the same row, one transaction per request
                row = {"call_sid": form["CallSid"], "status": form["CallStatus"],
                       "duration_seconds": None, "received_at": now}  # fmt: skip
                async with engine.begin() as conn:
                    await conn.execute(insert(twilio_call_statuses).values(row))
                return Response(status_code=204)
            status = status_from_twilio(form["MessageStatus"])
            assert status is not None
            await outbox.apply_provider_status(form["MessageSid"], status, None, now)
            return Response(status_code=204)

        app = Starlette(routes=[Route("/twilio/status", update, methods=["POST"])])
    else:
        app = build_app(kind)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    await uvicorn.Server(config).serve()
    for cm in cleanup:
        await cm.__aexit__(None, None, None)


# --- load ---------------------------------------------------------------------------------------------------
CALL_STATUSES = ("ringing", "in-progress", "completed")


def callback(kind: str, k: int) -> dict[str, str]:
    """The k-th distinct callback of `kind` (see --callbacks)."""
    account = "AC" + "0" * 32
    if kind == "calls":
        sid = f"CA{k // 3:032d}"
        return {"CallSid": sid, "CallStatus": CALL_STATUSES[k % 3], "AccountSid": account}
    sid = f"SM{k // 2}" if kind == "known" else f"SMU{k // 2}"  # SMU…: never sent by us
    return {"MessageSid": sid, "MessageStatus": STATUSES[k % 2], "AccountSid": account,
            "SmsSid": sid}  # fmt: skip


def signed_requests(port: int, count: int, offset: int, kind: str) -> list[tuple[str, str]]:
    """(form body, X-Twilio-Signature) for `count` distinct callbacks, each a real state change."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}/twilio/status"
    out = []
    for k in range(offset, offset + count):
        params = callback(kind, k)
        out.append((urlencode(params), str(validator.compute_signature(url, params))))
    return out


LUA = """
local lines = {}
local i = 0
init = function(args)
  local id = tonumber(args[1]) or 0
  local n = tonumber(args[2]) or 1
  local k = 0
  for line in io.lines(args[3]) do
    if k %% n == id then lines[#lines + 1] = line end
    k = k + 1
  end
end
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
request = function()
  i = i + 1
  local line = lines[(i - 1) %% #lines + 1]
  local tab = string.find(line, "\\t")
  local body = string.sub(line, 1, tab - 1)
  local sig = string.sub(line, tab + 1)
  return wrk.format("POST", "/twilio/status", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = sig,
  }, body)
end
"""


def run_wrk(
    port: int, lines_file: Path, seconds: float, threads: int, conns: int
) -> dict[str, Any]:
    script = lines_file.with_suffix(".lua")
    # Each wrk thread reads the file and keeps every n-th line, so threads never repeat each other.
    script.write_text(
        LUA.replace("%%", "%").replace(
            "init = function(args)",
            f"init = function(args)\n  args = {{id, {threads}, '{lines_file}'}}",
        )
    )
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{conns}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(
        next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    )
    non2xx = next((int(line.split()[-1]) for line in out.splitlines() if "Non-2xx" in line), 0)
    return {"rps": rps, "non_2xx": non2xx}


async def open_loop(
    port: int, rate: float, seconds: float, offset: int, kind: str
) -> dict[str, Any]:
    """Send at exactly `rate`/s for `seconds`; latency measured from each request's due time."""
    import aiohttp

    requests = signed_requests(port, int(rate * seconds), offset, kind)
    latencies: list[float] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter() + 0.2

        async def one(due: float, body: str, sig: str) -> None:
            nonlocal failures
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sig,
            }
            async with session.post(
                f"http://127.0.0.1:{port}/twilio/status", data=body, headers=headers
            ) as r:
                await r.read()
                if r.status >= 300:
                    failures += 1
            latencies.append(time.perf_counter() - due)

        await asyncio.gather(*(one(start + i / rate, b, s) for i, (b, s) in enumerate(requests)))
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"sent": len(requests), "failures": failures, "p50_ms": q[49] * 1000,
            "p99_ms": q[98] * 1000, "max_ms": latencies[-1] * 1000}  # fmt: skip


# --- orchestration ------------------------------------------------------------------------------------------
def start_server(kind: str, url: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--database-url", url, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_requests(args: argparse.Namespace) -> int:
    return int(args.seconds * 20000)  # more than any server here answers in that time


def open_loop_requests(args: argparse.Namespace) -> int:
    return int(args.rate * args.seconds)


def measure(kind: str, url: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Latency at the fixed rate first (a fresh server), then the throughput run."""
    from switchboard.fakes.serving import free_port

    port = free_port()
    proc = start_server(kind, url, port)
    try:
        result = asyncio.run(open_loop(port, args.rate, args.seconds, 0, args.callbacks))
        time.sleep(1)
        lines = work / f"{kind.replace('+', '_')}.txt"
        requests = signed_requests(
            port, wrk_requests(args), open_loop_requests(args), args.callbacks
        )
        lines.write_text("\n".join(f"{b}\t{s}" for b, s in requests))
        cpu0 = cpu_seconds(proc.pid)
        result |= run_wrk(port, lines, args.seconds, args.threads, args.connections)
        result["server_cpu_s"] = cpu_seconds(proc.pid) - cpu0
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextlib.contextmanager
def database_for(kind: str, work: Path, postgres: str | None) -> Iterator[str]:
    """A SQLite file in `work`, or a fresh PostgreSQL database on the `postgres` server."""
    if postgres is None:
        yield f"sqlite+aiosqlite:///{work / (kind.replace('+', '_') + '.db')}"
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"switchboard_bench_{kind.replace('+', '_')}"
    admin = make_url(postgres).set(drivername="postgresql").render_as_string(hide_password=False)

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL instead of SQLite: a server URL (postgresql+asyncpg://…); a fresh "
        "database per endpoint is created there and dropped after",
    )
    parser.add_argument(
        "--callbacks",
        choices=("known", "unknown", "calls"),
        default="known",
        help="message status for notifications we sent (known), for SIDs we never sent "
        "(unknown), or call status callbacks (calls)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.database_url, args.port))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for the throughput run: apt-get install wrk")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for kind in ("bare", "bare+db", "switchboard"):
            with database_for(kind, work, args.postgres) as url:
                if kind != "bare":
                    asyncio.run(
                        seed(url, int(args.seconds * 20000 + args.rate * args.seconds) // 2 + 10)
                    )
                results[kind] = measure(kind, url, args, work)
    ratio = results["switchboard"]["rps"] / results["bare"]["rps"]
    summary = {
        "callbacks": args.callbacks,
        "results": results,
        "switchboard_vs_bare": ratio,
        "switchboard_vs_bare_db": results["switchboard"]["rps"] / results["bare+db"]["rps"],
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"| endpoint | max req/s (wrk) | server CPU s | p50 ms @ {args.rate:.0f}/s | p99 ms | non-2xx |"
    )
    print("|---|---|---|---|---|---|")
    for kind, r in results.items():
        print(f"| {kind} | {r['rps']:.0f} | {r['server_cpu_s']:.1f} | {r['p50_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {r['non_2xx'] + r['failures']} |")  # fmt: skip
    p99 = results["switchboard"]["p99_ms"]
    vs_db = summary["switchboard_vs_bare_db"]
    verdict = {True: "met", False: "NOT met"}
    print(
        f"\n{args.callbacks} callbacks. throughput vs bare+db (the same durable write, one "
        f"transaction per request, target ≥ 150%): {vs_db:.0%} → {verdict[vs_db >= 1.5]}; vs the "
        f"do-nothing endpoint {ratio:.0%}\np99 at {args.rate:.0f}/s: {p99:.1f} ms "
        f"(target ≤ 50) → {verdict[p99 <= 50]}"
    )
    print(f"load average {summary['load_average']}")


if __name__ == "__main__":
    main()
