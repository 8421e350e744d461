"""The agent worker's `/metrics`, on its own health port (`AGENT_HTTP_PORT`), for every job process.

livekit-agents serves its health check (`GET /`, `GET /worker`) from an aiohttp app on
`ServerOptions.port` (livekit-agents 1.8.9 `worker.py:249-253,650-679`) and can serve Prometheus
only on a second port (`prometheus_port`, `worker.py:698-702`, `telemetry/http_server.py`). To
keep one port for probes and scrapes, `MetricsAgentServer` adds a `/metrics` route to that health
app when `AgentServer.run()` creates it: the app's routes freeze when it starts, which `run()`
does a few lines later (`worker.py:780-781`), and there is no public hook in between. The hook
is an assignment to a private attribute (`self._http_server = http_server.HttpServer(...)`,
`worker.py:653`), so pyproject pins livekit-agents to 1.8.x and
`tests/adapters/test_agent_worker_metrics.py` scrapes the real port: a release that renames it
fails there, loudly.

The numbers are the job processes' (`switchboard.adapters.prometheus.exposition`): the worker
runs with `prometheus_multiproc_dir` (a fresh temporary directory unless `PROMETHEUS_MULTIPROC_DIR`
is set), which livekit-agents exports to its job processes and empties at start. The job
processes are forked from multiprocessing's forkserver, which inherits the environment once, when
it starts (with the first job process, after the export); so did livekit-agents' own
multiprocess support. Windows runs jobs in threads (`worker.py:127-131`): nothing is exported.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from aiohttp import web
from livekit.agents import AgentServer
from prometheus_client import CONTENT_TYPE_LATEST

from switchboard.adapters.prometheus import render

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class MetricsAgentServer(AgentServer):
    """An `AgentServer` whose health server also answers `GET /metrics`."""

    metrics_dir: str | None = None

    @property
    def _http_server(self) -> Any:
        return self.__dict__.get("_switchboard_http_server")

    @_http_server.setter
    def _http_server(self, server: Any) -> None:
        if server is not None:
            server.app.add_routes([web.get("/metrics", self._metrics)])
        self.__dict__["_switchboard_http_server"] = server

    @property
    def health_port(self) -> int | None:
        """The port the health (and metrics) server listens on, once started."""
        server = self._http_server
        return int(server.port) if server is not None else None

    async def _metrics(self, _request: web.Request) -> web.Response:
        loop = asyncio.get_running_loop()
        body = await loop.run_in_executor(None, render, self.metrics_dir)  # reads files
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


@contextlib.contextmanager
def metrics_directory() -> Iterator[str]:
    """Where the job processes write their metrics: `PROMETHEUS_MULTIPROC_DIR` when set (kept),
    else a temporary directory removed afterwards. The variable is restored on the way out
    (livekit-agents sets it in this process for its job processes)."""
    given = os.environ.get(MULTIPROC_ENV)
    directory = given or tempfile.mkdtemp(prefix="switchboard-agent-metrics-")
    try:
        yield directory
    finally:
        if given is None:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(directory, ignore_errors=True)


def process_memory() -> int:
    """This process's resident memory in bytes (Linux: current, from procfs, a memory read;
    elsewhere: the peak, which is what `getrusage` knows)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere
