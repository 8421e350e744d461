"""espeak-ng text-to-speech: the light fallback when piper is not installed.

Robotic but instant, so it runs one short process per utterance instead of a warm one. Text goes
in on stdin, never on the command line, so caller-influenced text cannot become an option.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from livekit.agents import APIConnectionError, APIError, APITimeoutError

from switchboard.adapters.voice.engine import mono, parse_wav, speakable

ESPEAK_SAMPLE_RATE = 22050  # espeak-ng's native output rate


class EspeakEngine:
    """A `SpeechEngine` that runs `espeak-ng --stdout` once per utterance."""

    name = "espeak-ng"
    sample_rate = ESPEAK_SAMPLE_RATE

    def __init__(
        self,
        *,
        voice: str = "en-us",
        words_per_minute: int = 160,
        command: Sequence[str] = ("espeak-ng",),
        timeout: float = 10.0,
    ) -> None:
        self.model = voice
        self._argv = [*command, "-v", voice, "-s", str(words_per_minute), "--stdout", "--stdin"]
        self._timeout = timeout

    async def start(self) -> None:
        """Nothing to warm: espeak-ng starts in milliseconds."""

    async def synthesize(self, text: str) -> bytes:
        """Speak one utterance in a fresh espeak-ng process."""
        line = speakable(text)
        if not line:
            return b""
        try:
            proc = await asyncio.create_subprocess_exec(
                *self._argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as e:
            raise APIError(f"cannot run espeak-ng: {e}", retryable=False) from e
        try:
            out, err = await asyncio.wait_for(proc.communicate(line.encode()), self._timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise APITimeoutError(f"espeak-ng gave no audio within {self._timeout:.1f}s") from None
        if proc.returncode != 0:
            raise APIConnectionError(
                f"espeak-ng exited with {proc.returncode}: {err.decode(errors='replace')[-200:]}"
            )
        try:
            pcm = parse_wav(out)
        except ValueError as e:
            raise APIError(f"espeak-ng wrote an unreadable WAV: {e}", retryable=False) from e
        if pcm.sample_rate != self.sample_rate:
            raise APIError(f"espeak-ng spoke at {pcm.sample_rate} Hz", retryable=False)
        return mono(pcm)

    async def aclose(self) -> None:
        """Nothing to stop: each utterance's process has already exited."""
