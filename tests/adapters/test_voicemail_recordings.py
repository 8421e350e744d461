"""The agent's voicemail recordings on disk: written as WAV per call, and purged with the links
to them after RETENTION_RECORDINGS_DAYS (`switchboard purge`, and daily in `serve`)."""

from __future__ import annotations

import os
import wave
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from switchboard.adapters.voice.recordings import RecordingFolder
from switchboard.domain.retention import DataKind
from switchboard.services.retention import AllPersonalData

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CUTOFFS = {DataKind.RECORDINGS: NOW - timedelta(days=90)}


def aged(path: Path, days: float) -> None:
    path.write_bytes(b"RIFF")
    when = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (when, when))


async def test_a_recording_is_written_as_16_bit_mono_wav(tmp_path: Path) -> None:
    folder = RecordingFolder(tmp_path / "voicemails")
    path = await folder.write("local-1/../x", b"\x01\x00" * 16000)
    assert path.parent == tmp_path / "voicemails"  # the call id cannot leave the folder
    assert path.name == "voicemail-local-1_.._x.wav"
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1, 2, 16000, 16000,
        )  # fmt: skip
    assert not list(path.parent.glob("*.part"))


async def test_old_recordings_are_purged_and_nothing_else(tmp_path: Path) -> None:
    old, new = tmp_path / "voicemail-a.wav", tmp_path / "voicemail-b.wav"
    other = tmp_path / "notes.wav"
    aged(old, 91)
    aged(new, 10)
    aged(other, 400)
    folder = RecordingFolder(tmp_path)
    assert await folder.purge(CUTOFFS, apply=False) == {DataKind.RECORDINGS: 1}
    assert old.exists()  # a dry run deletes nothing
    assert await folder.purge(CUTOFFS, apply=True) == {DataKind.RECORDINGS: 1}
    assert not old.exists()
    assert new.exists()
    assert other.exists()


async def test_no_cutoff_or_no_folder_purges_nothing(tmp_path: Path) -> None:
    aged(tmp_path / "voicemail-a.wav", 1000)
    assert await RecordingFolder(tmp_path).purge({}, apply=True) == {}  # kept for ever (0 days)
    missing = RecordingFolder(tmp_path / "nope")
    assert await missing.purge(CUTOFFS, apply=True) == {DataKind.RECORDINGS: 0}


async def test_the_counts_of_every_part_add_up(tmp_path: Path) -> None:
    class Database:
        async def purge(
            self, cutoffs: Mapping[DataKind, datetime], *, apply: bool
        ) -> dict[DataKind, int]:
            return {DataKind.RECORDINGS: 2, DataKind.CALLS: 5}

    aged(tmp_path / "voicemail-a.wav", 100)
    both = AllPersonalData(Database(), RecordingFolder(tmp_path))
    assert await both.purge(CUTOFFS, apply=True) == {DataKind.RECORDINGS: 3, DataKind.CALLS: 5}
