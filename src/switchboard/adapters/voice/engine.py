"""What a local text-to-speech engine looks like to `OfflineTTS`, and the WAV parsing they share."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from switchboard.domain.errors import InvalidValue


class SpeechEngine(Protocol):
    """A local TTS engine: turns one utterance of text into 16-bit mono PCM.

    Engines raise livekit `APIConnectionError` (retryable) when their process fails, so the
    framework's retry loop restarts them, and `APIError(retryable=False)` for bad output.
    """

    name: str
    sample_rate: int

    async def synthesize(self, text: str) -> bytes:
        """16-bit little-endian mono PCM at `sample_rate`; empty when nothing is speakable."""
        ...

    async def start(self) -> None:
        """Get ready (start a warm process) so the first reply is not slowed by start-up."""
        ...

    async def aclose(self) -> None:
        """Stop any process the engine started."""
        ...


@dataclass(frozen=True, slots=True)
class Pcm:
    sample_rate: int
    channels: int
    data: bytes  # 16-bit little-endian, interleaved


def speakable(text: str) -> str:
    """The text as one line, or "" when it has nothing a voice can say.

    Engines read one utterance per line, and piper crashes on a line with no letters or digits
    (it writes a WAV with no audio), so such text never reaches an engine.
    """
    line = " ".join(text.split())
    return line if any(ch.isalnum() for ch in line) else ""


def parse_wav(blob: bytes) -> Pcm:
    """Parse a 16-bit PCM WAV, tolerating the unknown data length that streamed WAVs carry."""
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise InvalidValue("not a WAV file")
    pos, fmt = 12, None
    while pos + 8 <= len(blob):
        chunk_id, size = blob[pos : pos + 4], struct.unpack_from("<I", blob, pos + 4)[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", blob, body)
        elif chunk_id == b"data":
            if fmt is None:
                raise InvalidValue("WAV data before its format chunk")
            audio_format, channels, rate, _, _, bits = fmt
            if audio_format != 1 or bits != 16:
                raise InvalidValue(f"unsupported WAV encoding (format {audio_format}, {bits} bit)")
            # Streamed WAVs (espeak-ng --stdout) claim a huge size: the data is whatever follows.
            data = blob[body : min(body + size, len(blob))]
            return Pcm(rate, channels, data[: len(data) - len(data) % (2 * channels)])
        pos = body + size + (size & 1)  # chunks are word-aligned
    raise InvalidValue("WAV has no data chunk")


def mono(pcm: Pcm) -> bytes:
    """Mix interleaved 16-bit PCM down to one channel."""
    if pcm.channels == 1:
        return pcm.data
    samples = np.frombuffer(pcm.data, dtype="<i2").reshape(-1, pcm.channels)
    mixed: bytes = samples.mean(axis=1).astype("<i2").tobytes()
    return mixed
