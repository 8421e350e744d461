"""Where the agent's own voicemail recordings go: one 16-bit mono WAV file per call in
VOICEMAIL_DIR (default `<SWITCHBOARD_DATA_DIR>/voicemails`), linked from the message as a
`file://` URI. Written (and purged after RETENTION_RECORDINGS_DAYS) on a worker thread: the event
loop never waits for the disk."""

from __future__ import annotations

import asyncio
import re
import wave
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from switchboard.domain.retention import DataKind

SAMPLE_RATE = 16000  # what the recorder asks LiveKit for, and Whisper's own rate

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class RecordingFolder:
    """`write(call_id, pcm)` → the WAV file's path (16-bit mono PCM at `rate`)."""

    def __init__(self, directory: Path, rate: int = SAMPLE_RATE) -> None:
        self.directory = directory
        self.rate = rate

    def path_for(self, call_id: str) -> Path:
        name = _UNSAFE.sub("_", call_id).strip("._") or "call"
        return self.directory / f"voicemail-{name}.wav"

    async def write(self, call_id: str, pcm: bytes) -> Path:
        """Write the recording; OSError when the disk refuses (the caller keeps the message)."""
        path = self.path_for(call_id)
        await asyncio.to_thread(write_wav, path, pcm, self.rate)
        return path

    async def purge(
        self, cutoffs: Mapping[DataKind, datetime], *, apply: bool
    ) -> dict[DataKind, int]:
        """`PersonalData` (ports/retention.py) for the files: recordings last written before the
        RECORDINGS cut-off (RETENTION_RECORDINGS_DAYS) are deleted, as their links are."""
        cutoff = cutoffs.get(DataKind.RECORDINGS)
        if cutoff is None:
            return {}
        found = await asyncio.to_thread(old_recordings, self.directory, cutoff.timestamp(), apply)
        return {DataKind.RECORDINGS: found}


def old_recordings(directory: Path, before: float, delete: bool) -> int:
    """How many `voicemail-*.wav` in `directory` were last written before `before` (deleted when
    `delete`); a missing folder has none."""
    count = 0
    for path in directory.glob("voicemail-*.wav") if directory.is_dir() else ():
        try:
            if path.stat().st_mtime < before:
                if delete:
                    path.unlink()
                count += 1
        except FileNotFoundError:  # gone meanwhile: nothing left to purge
            continue
    return count


def write_wav(path: Path, pcm: bytes, rate: int) -> None:
    """16-bit mono PCM → WAV at `path` (its folder is created; a half-written file never stays)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    partial.replace(path)
