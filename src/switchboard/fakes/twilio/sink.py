"""A tiny webhook receiver for tests: records what the fake (or anyone) POSTs to it.

with running_callback_sink() as sink:
    url = sink.url("/status")      # give this to Messages.create(status_callback=url)
    sink.wait_for(2)                # block until two requests arrived
    sink.received[0].params         # the decoded form fields
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """One request the sink received."""

    path: str
    headers: dict[str, str]
    params: dict[str, str]


@dataclass(slots=True)
class CallbackSink:
    """The running sink: its base URL, what it received, and the status it answers with."""

    base_url: str
    received: list[ReceivedRequest] = field(default_factory=list)
    answer_status: int = 204
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str = "/status") -> str:
        """An absolute URL on the sink."""
        return self.base_url + path

    def record(self, request: ReceivedRequest) -> None:
        """Store a request and wake waiters."""
        with self._arrived:
            self.received.append(request)
            self._arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedRequest]:
        """Block until at least `count` requests arrived; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.received)} of {count} requests arrived")
                self._arrived.wait(left)
            return list(self.received)


def _handler(sink: CallbackSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            params = dict(parse_qsl(body, keep_blank_values=True))
            sink.record(ReceivedRequest(self.path, dict(self.headers.items()), params))
            self.send_response(sink.answer_status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


@contextmanager
def running_callback_sink() -> Iterator[CallbackSink]:
    """Receive webhooks on a free 127.0.0.1 port for the duration of the `with` block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    sink = CallbackSink(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(sink)
    # A short poll interval keeps shutdown (and so each test's teardown) fast.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="callback-sink", daemon=True
    )
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
