"""`switchboard call --voice`: a caller's recorded speech (piper, telephone-band) goes through VAD →
Whisper → the agent, and the agent's replies come back as speech. Skipped without the [voice]
extra (CI installs it)."""

from __future__ import annotations

import asyncio
import re
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from switchboard.adapters.voice import VoiceUnavailableError, voice_available
from switchboard.adapters.voice.availability import piper_available
from switchboard.entrypoints.cli import app

pytestmark = pytest.mark.skipif(
    not (voice_available() and piper_available()), reason="the [voice] extra is not installed"
)
OPEN = "2026-11-24T10:15:00-06:00"
CALLER = [
    "I'd like to leave a message for Priya Raman.",
    "This is Dana.",
    "The number I'm calling from is fine.",
    "Yes.",
    "The samples arrived, thank you.",
]


def synthesize(folder: Path, lines: list[str]) -> None:
    from switchboard.adapters.voice.local_audio import write_wav
    from switchboard.adapters.voice.piper_process import PiperProcess

    async def go() -> None:
        piper = PiperProcess.from_voice_package()
        try:
            for i, text in enumerate(lines):
                pcm = np.frombuffer(await piper.synthesize(text), dtype=np.int16)
                write_wav(folder / f"{i:02d}.wav", pcm, piper.sample_rate)
        finally:
            await piper.aclose()

    asyncio.run(go())


def test_a_spoken_call_leaves_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    synthesize(tmp_path / "caller", CALLER)
    result = CliRunner().invoke(
        app,
        ["call", "--voice", "--audio-in", str(tmp_path / "caller"),
         "--audio-out", str(tmp_path / "agent"), "--at", OPEN],
    )  # fmt: skip
    output = result.output
    assert result.exit_code == 0, output
    # Whisper's exact wording varies with the CPU's kernels (one CI machine heard this line
    # differently); what must hold is that speech reached the agent and the call did its job.
    heard = re.findall(r"^You \(heard\): (.+)$", output, flags=re.MULTILINE)
    assert len(heard) == len(CALLER), output
    assert "message" in heard[0].lower(), output
    assert "Outcome: message_taken" in output, output
    assert "Message for priya-raman" in output, output
    assert "from Dana" in output, output
    assert "+16125550177" in output, output
    spoken = sorted((tmp_path / "agent").glob("agent-*.wav"))
    assert len(spoken) >= 5  # greeting, four questions/read-backs, goodbye
    with wave.open(str(spoken[0]), "rb") as w:
        assert w.getnframes() > w.getframerate()  # the greeting lasts more than a second


def test_audio_in_must_exist_and_hold_wav_files(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["call", "--audio-in", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "--audio-in" in missing.output
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(app, ["call", "--audio-in", str(tmp_path / "empty"), "--at", OPEN])
    assert empty.exit_code == 2
    assert "no .wav files" in empty.output


def test_no_portaudio_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from switchboard.adapters.voice import local_audio

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails as without PortAudio
    with pytest.raises(VoiceUnavailableError, match="libportaudio2"):
        local_audio._sounddevice()


CLOSED = "2026-11-24T20:00:00-06:00"
VOICEMAIL_CALLER = [
    "Can I talk to someone in payroll?",
    "Hi, this is Sam Jones. My paycheck was short this week, please call me back.",
]


def test_a_spoken_after_hours_voicemail_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Payroll's after-hours action is voicemail: the second utterance is recorded as a WAV file
    in VOICEMAIL_DIR, linked from the message, with the words the call heard as its text."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    directory = Path(__file__).parents[1] / "scenarios" / "ringgroups-directory.yaml"
    imported = CliRunner().invoke(app, ["directory", "import", str(directory)])
    assert imported.exit_code == 0, imported.output
    synthesize(tmp_path / "caller", VOICEMAIL_CALLER)
    result = CliRunner().invoke(
        app, ["call", "--voice", "--audio-in", str(tmp_path / "caller"), "--at", CLOSED,
              "--audio-out", str(tmp_path / "agent")],
    )  # fmt: skip
    output = result.output
    assert result.exit_code == 0, output
    assert "Outcome: voicemail" in output, output
    assert "Message for payroll: Voicemail (" in output, output
    assert "paycheck" in output.lower(), output
    [recording] = (tmp_path / "data" / "voicemails").glob("voicemail-local-*.wav")
    with wave.open(str(recording), "rb") as w:
        assert w.getframerate() == 8000
        assert w.getnframes() > 2 * w.getframerate()  # the whole message, seconds of it
