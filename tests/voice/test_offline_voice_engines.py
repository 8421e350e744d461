"""TTS engines against fake piper / espeak-ng programs: framing, restarts, timeouts, fallbacks.

The fakes speak the real programs' wire protocol (stdin lines, "Wrote <path>" on stderr, WAV on
stdout) so these run in milliseconds without the [voice] extra.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from livekit.agents import APIConnectionError, APIConnectOptions, APIError, APITimeoutError

from switchboard.adapters.voice.espeak import EspeakEngine
from switchboard.adapters.voice.piper_process import PiperProcess
from switchboard.adapters.voice.tts import OfflineTTS

RATE = 16000
SAMPLES_PER_CHAR = 10

_WAV_WRITER = """
import struct, sys
def wav(text, rate, streamed=False):
    data = b"".join(struct.pack("<h", (i * 37) % 2000) for i in range(len(text) * 10))
    size = 0xFFFFFFFF if streamed else len(data)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE" + b"fmt "
            + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size) + data)
"""

_FAKE_PIPER = (
    _WAV_WRITER
    + """
import os, pathlib, time
args = sys.argv[1:]
out = pathlib.Path(args[args.index("--output-dir") + 1])
marker = pathlib.Path(os.environ["FAKE_MARKER"])
for n, line in enumerate(sys.stdin):
    line = line.strip()
    if "crash" in line and not (line == "crash once" and marker.exists()):
        marker.touch()
        print("Traceback: synthetic failure", file=sys.stderr, flush=True)
        sys.exit(3)
    if "hang" in line:
        time.sleep(60)
    if "slow" in line:
        time.sleep(0.3)
    path = out / f"{n}.wav"
    path.write_bytes(wav(line, RATE))
    print(f"INFO:__main__:Wrote {path}", file=sys.stderr, flush=True)
""".replace("RATE", str(RATE))
)

_FAKE_ESPEAK = (
    _WAV_WRITER
    + """
if any("speak" in a for a in sys.argv[1:]) and "--stdout" not in sys.argv:
    sys.exit(2)
text = sys.stdin.read()
if "fail" in text:
    print("espeak: synthetic failure", file=sys.stderr)
    sys.exit(1)
sys.stdout.buffer.write(wav(text.strip() + "|" + " ".join(sys.argv[1:]), 22050, streamed=True))
"""
)


def _script(tmp_path: Path, name: str, body: str) -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return [sys.executable, str(path)]


@pytest.fixture
def piper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PiperProcess:
    monkeypatch.setenv("FAKE_MARKER", str(tmp_path / "crashed-once"))
    config = tmp_path / "voice.onnx.json"
    config.write_text(json.dumps({"audio": {"sample_rate": RATE}}))
    command = _script(tmp_path, "fake_piper.py", _FAKE_PIPER)
    return PiperProcess(tmp_path / "voice.onnx", config, command=command, timeout=0.5)


async def test_piper_frames_each_utterance_and_keeps_one_warm_process(piper: PiperProcess) -> None:
    first = await piper.synthesize("Hello there.")
    pid = piper.pid
    second = await piper.synthesize("Please hold\nwhile I connect you.")
    assert len(first) == 2 * SAMPLES_PER_CHAR * len("Hello there.")
    # A multi-line reply is one utterance: one line in, one WAV out.
    assert len(second) == 2 * SAMPLES_PER_CHAR * len("Please hold while I connect you.")
    assert pid is not None
    assert piper.pid == pid
    assert piper.sample_rate == RATE
    await piper.aclose()
    assert piper.pid is None


async def test_piper_restarts_after_the_process_dies(piper: PiperProcess) -> None:
    await piper.synthesize("warm")
    first_pid = piper.pid
    with pytest.raises(APIConnectionError, match="synthetic failure") as failure:
        await piper.synthesize("crash now")
    assert failure.value.retryable
    assert piper.pid is None
    assert await piper.synthesize("again")
    assert piper.pid not in (None, first_pid)
    await piper.aclose()


async def test_piper_that_hangs_times_out_and_is_replaced(piper: PiperProcess) -> None:
    await piper.synthesize("warm")
    hung_pid = piper.pid
    with pytest.raises(APITimeoutError):
        await piper.synthesize("hang forever")
    assert len(await piper.synthesize("next")) == 2 * SAMPLES_PER_CHAR * len("next")
    assert piper.pid != hung_pid
    await piper.aclose()


async def test_cancelled_utterance_never_leaks_into_the_next(piper: PiperProcess) -> None:
    pending = asyncio.ensure_future(piper.synthesize("slow reply that gets interrupted"))
    await asyncio.sleep(0.05)
    pending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pending
    assert len(await piper.synthesize("next")) == 2 * SAMPLES_PER_CHAR * len("next")
    await piper.aclose()


async def test_piper_is_never_sent_text_without_letters(piper: PiperProcess) -> None:
    # Real piper crashes on such a line; it must not even reach the process.
    assert await piper.synthesize(" ... !? ") == b""
    assert piper.pid is None


async def test_offline_tts_retries_through_a_crash_and_emits_frames(piper: PiperProcess) -> None:
    tts = OfflineTTS(engine=piper)
    options = APIConnectOptions(max_retry=1, retry_interval=0.0)
    frame = await tts.synthesize("crash once", conn_options=options).collect()
    assert frame.sample_rate == RATE
    assert frame.num_channels == 1
    # livekit may close the segment with a 10 ms silent marker frame.
    spoken = SAMPLES_PER_CHAR * len("crash once")
    assert spoken <= frame.samples_per_channel <= spoken + RATE // 100
    assert tts.provider == "piper"
    await tts.aclose()


async def test_offline_tts_gives_up_on_a_persistent_failure(piper: PiperProcess) -> None:
    tts = OfflineTTS(engine=piper)
    options = APIConnectOptions(max_retry=1, retry_interval=0.0)
    with pytest.raises(APIError):
        await tts.synthesize("crash every time", conn_options=options).collect()
    await tts.aclose()


async def test_offline_tts_speaks_punctuation_only_text_as_short_silence(
    piper: PiperProcess,
) -> None:
    tts = OfflineTTS(engine=piper)
    frame = await tts.synthesize("...").collect()
    assert 0 < frame.duration < 0.1
    assert not any(frame.data)
    await tts.aclose()


async def test_espeak_reads_text_from_stdin_not_the_command_line(tmp_path: Path) -> None:
    engine = EspeakEngine(command=_script(tmp_path, "fake_espeak.py", _FAKE_ESPEAK))
    text = "--help me please"
    pcm = await engine.synthesize(text)
    spoken = text + "|" + "-v en-us -s 160 --stdout --stdin"
    # The streamed WAV's bogus length is tolerated; the audio is exactly what was written.
    assert len(pcm) == 2 * SAMPLES_PER_CHAR * len(spoken)
    assert engine.sample_rate == 22050


async def test_espeak_failures_are_reported(tmp_path: Path) -> None:
    engine = EspeakEngine(command=_script(tmp_path, "fake_espeak.py", _FAKE_ESPEAK))
    with pytest.raises(APIConnectionError, match="synthetic failure"):
        await engine.synthesize("fail please")
    missing = EspeakEngine(command=[str(tmp_path / "no-such-espeak")])
    with pytest.raises(APIError, match="cannot run espeak-ng") as error:
        await missing.synthesize("hello")
    assert not error.value.retryable


async def test_offline_tts_falls_back_to_espeak_without_piper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    launcher = fake_bin / "espeak-ng"
    script = _script(tmp_path, "fake_espeak.py", _FAKE_ESPEAK)
    launcher.write_text(f'#!/bin/sh\nexec {" ".join(script)} "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr("switchboard.adapters.voice.tts.piper_available", lambda: False)
    tts = OfflineTTS()
    assert tts.provider == "espeak-ng"
    frame = await tts.synthesize("Hello.").collect()
    assert frame.sample_rate == 22050
    assert frame.samples_per_channel > 0
    await tts.aclose()
