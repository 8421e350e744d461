"""A real CalDAV server for tests: Radicale on loopback, started as a subprocess with a temporary
storage folder and no authentication (or htpasswd, when a password test needs it)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def radicale(folder: Path, *, htpasswd: Path | None = None) -> Iterator[str]:
    """Run Radicale until the block ends; yields its base URL (http://127.0.0.1:PORT)."""
    port = free_port()
    auth = (
        ["--auth-type=htpasswd", f"--auth-htpasswd-filename={htpasswd}",
         "--auth-htpasswd-encryption=plain"]
        if htpasswd else ["--auth-type=none"]
    )  # fmt: skip
    command = [
        sys.executable, "-m", "radicale", f"--server-hosts=127.0.0.1:{port}",
        f"--storage-filesystem-folder={folder}", "--rights-type=owner_only", *auth,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"radicale exited: {err[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(url + "/.web/", timeout=1)
                break
            if time.monotonic() > deadline:
                raise RuntimeError("radicale did not start within 20 seconds")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
