"""Offline voice benchmarks: spoken-name accuracy and end-of-speech → first reply audio.

    .venv/bin/python benchmarks/voice.py            # both measures, markdown table on stdout
    .venv/bin/python benchmarks/voice.py --help     # sizes and tunables

(1) Each employee of the demo directory is asked for by piper voices in a few phrasings, sent
through a simulated phone line (8 kHz, 300–3400 Hz, µ-law), then silero VAD → OfflineSTT (hinted
with the directory's names) → resolver. Top-1 counts a `match` on the right employee. Target ≥ 95%.
(2) Requests are played into VAD → STT in real time; the clock runs from the last sample of caller
speech to the first audio frame of a fixed one-sentence reply through OfflineTTS. Target median
≤ 1.2 s. The brain's own time (milliseconds, measured in benchmarks/agent.py) is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad

from switchboard.adapters.voice import OfflineSTT, OfflineTTS, VadOptions, WhisperOptions, load_vad
from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, telephone_audio, to_frames
from switchboard.adapters.voice.piper_process import PiperProcess
from switchboard.adapters.voice.whisper import load_whisper
from switchboard.domain.directory import CompanyProfile, Directory, Employee

DEMO = Path(__file__).resolve().parents[1] / "src/switchboard/data/demo_directory.yaml"
PHRASINGS = (
    "Could I speak to {name} please?",
    "Hi, I'm trying to reach {name}.",
    "{name}, please.",
    "Is {name} available today?",
)
REPLY = "Sure, one moment while I connect you."
FRAME_S = 0.02

# Used only until the demo directory lands: varied origins, a few sound-alikes.
_FALLBACK_NAMES = (
    "Priya Raman", "Tom Reed", "Kathryn Doyle", "Marcus Bell", "Siobhan Walsh", "Wei Chen",
    "Ana Chan", "Oluwaseun Adeyemi", "Diego Hernandez", "Fatima Al-Sayed", "Grace O'Connor",
    "Rajesh Kumar", "Yuki Tanaka", "Bjorn Larsen", "Chloe Dubois", "Mohammed Rahman",
    "Sarah Goldberg", "Kwame Mensah", "Isabella Rossi", "Liam Murphy",
)  # fmt: skip


def load_directory() -> tuple[Directory, str]:
    """The demo directory when it exists, else the built-in stand-in (named in the output)."""
    if DEMO.exists():
        from switchboard.adapters.directory_file import parse_directory_yaml

        return parse_directory_yaml(DEMO.read_text()), str(DEMO.name)
    employees = tuple(
        Employee(id=f"e{i}", name=name, phone=f"+1612555{i:04d}")
        for i, name in enumerate(_FALLBACK_NAMES)
    )
    return Directory(CompanyProfile(name="Bench Co"), employees=employees), "built-in 20 names"


class Matcher:
    """The real resolver when it exists; else rapidfuzz on full names (reported as such)."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        try:
            from switchboard.domain.resolution import Resolver

            self.resolver: Any = Resolver.build(directory)
            self.name = "Resolver"
        except (ImportError, AttributeError):
            self.resolver, self.name = None, "rapidfuzz stand-in (no Resolver yet)"

    def hints(self) -> list[str]:
        if self.resolver is not None:
            return list(self.resolver.recognition_hints())
        return [n for e in self.directory.employees for n in (e.name, *e.aliases)]

    def resolve(self, text: str) -> str | None:
        if self.resolver is not None:
            # `scan` reads a whole caller turn as the offline brain does (names anywhere in it).
            read = getattr(self.resolver, "scan", self.resolver.resolve)
            result = read(text)
            return str(result.best.id) if result.status == "match" and result.best else None
        from rapidfuzz import fuzz

        scored = [
            (fuzz.partial_ratio(e.name.lower(), text.lower()), e.id)
            for e in self.directory.employees
        ]
        score, best = max(scored)
        return best if score >= 80 else None


async def speak(engine: PiperProcess, text: str) -> np.ndarray:
    """Caller audio for `text` as a phone line delivers it."""
    pcm = np.frombuffer(await engine.synthesize(text), dtype=np.int16)
    return telephone_audio(pcm, engine.sample_rate)


async def recognise(stt: OfflineSTT, vad: lk_vad.VAD, audio: np.ndarray) -> str:
    """VAD → STT as AgentSession runs it, fed as fast as it will take the audio."""
    adapter = lk_stt.StreamAdapter(stt=stt, vad=vad)
    stream = adapter.stream()
    quiet = np.zeros(TELEPHONE_SAMPLE_RATE, dtype=np.int16)
    for frame in to_frames(np.concatenate([quiet, audio, quiet]), TELEPHONE_SAMPLE_RATE):
        stream.push_frame(frame)
    stream.end_input()
    texts = [
        e.alternatives[0].text
        async for e in stream
        if e.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT
    ]
    await stream.aclose()
    return " ".join(texts)


def name_heard(name: str, text: str) -> bool:
    """Diagnostic: the transcript carries the name nearly verbatim (accents and case aside).

    Separates recognition errors from resolution errors in the misses.
    """
    from rapidfuzz import fuzz, utils

    return fuzz.partial_ratio(utils.default_process(name), utils.default_process(text)) >= 85


async def accuracy(
    matcher: Matcher, stt: OfflineSTT, vad: lk_vad.VAD, voices: list[PiperProcess], phrasings: int
) -> tuple[int, int, int, list[str]]:
    correct, heard_ok, total, misses = 0, 0, 0, []
    for employee in matcher.directory.employees:
        for v, voice in enumerate(voices):
            for p in range(phrasings):
                # Rotate phrasings across voices so each voice says each phrasing somewhere.
                phrase = PHRASINGS[(p + v) % len(PHRASINGS)].format(name=employee.name)
                heard = await recognise(stt, vad, await speak(voice, phrase))
                total += 1
                heard_ok += name_heard(employee.name, heard)
                if matcher.resolve(heard) == employee.id:
                    correct += 1
                else:
                    tag = "resolver" if name_heard(employee.name, heard) else "STT"
                    misses.append(f"[{tag}] {employee.name!r} → heard {heard!r}")
    return correct, heard_ok, total, misses


def end_of_speech(audio: np.ndarray) -> float:
    """Seconds from the start of `audio` to its last clearly voiced sample."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return float(loud[-1] + 1) / TELEPHONE_SAMPLE_RATE if loud.size else 0.0


async def one_turn(
    stt: OfflineSTT, vad: lk_vad.VAD, tts: OfflineTTS, audio: np.ndarray
) -> dict[str, float]:
    """Play one request in real time; times from the end of caller speech, in seconds."""
    lead = np.zeros(TELEPHONE_SAMPLE_RATE // 2, dtype=np.int16)
    tail = np.zeros(3 * TELEPHONE_SAMPLE_RATE, dtype=np.int16)
    signal = np.concatenate([lead, audio, tail])
    adapter = lk_stt.StreamAdapter(stt=stt, vad=vad)
    stream = adapter.stream()
    start = time.perf_counter()
    speech_ends = start + lead.size / TELEPHONE_SAMPLE_RATE + end_of_speech(audio)

    async def play() -> None:
        for i, frame in enumerate(to_frames(signal, TELEPHONE_SAMPLE_RATE)):
            await asyncio.sleep(max(0.0, start + (i + 1) * FRAME_S - time.perf_counter()))
            stream.push_frame(frame)  # a frame arrives once its last sample has been spoken
        stream.end_input()

    player = asyncio.create_task(play())
    marks: dict[str, float] = {}
    async for event in stream:
        if event.type == lk_stt.SpeechEventType.END_OF_SPEECH:
            marks["vad"] = time.perf_counter()
        elif event.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT:
            marks["stt"] = time.perf_counter()
            reply = tts.synthesize(REPLY)
            await reply.__anext__()
            marks["audio"] = time.perf_counter()
            await reply.aclose()
            break
    player.cancel()
    await stream.aclose()
    return {
        "vad": marks["vad"] - speech_ends,
        "stt": marks["stt"] - marks["vad"],
        "tts": marks["audio"] - marks["stt"],
        "total": marks["audio"] - speech_ends,
    }


def _row(name: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("✅" if ok else "❌")
    return f"| {name} | {value} | {target} | {verdict} |"


async def main(args: argparse.Namespace) -> None:
    directory, source = load_directory()
    matcher = Matcher(directory)
    window = None if args.window == 30 else args.window
    whisper_opts = WhisperOptions(
        beam_size=args.beam, hint_mode=args.hint_mode, window_seconds=window
    )
    model = load_whisper(whisper_opts)
    stt = OfflineSTT(
        hints=[] if args.no_hints else matcher.hints(), options=whisper_opts, model=model
    )
    vad = load_vad(VadOptions(min_silence_duration=args.min_silence))
    scales = [s for s in args.voices.split(",") if s]
    voices = [PiperProcess.from_voice_package(extra_args=("--length-scale", s)) for s in scales]
    rows = ["| measure | result | target | |", "|---|---|---|---|"]
    try:
        if args.phrasings:
            correct, heard, total, misses = await accuracy(
                matcher, stt, vad, voices, args.phrasings
            )
            share = correct / total
            rows.append(
                _row(f"spoken-name top-1 ({source}, {total} requests, {matcher.name})",
                     f"{share:.1%} ({correct}/{total})", "≥ 95%", share >= 0.95)
            )  # fmt: skip
            rows.append(
                _row("… transcripts carrying the name nearly verbatim (STT alone)",
                     f"{heard / total:.1%} ({heard}/{total})", "", None)
            )  # fmt: skip
        if args.trials:
            tts = OfflineTTS(engine=voices[0])
            await tts.warm_up()
            requests = [PHRASINGS[0].format(name=e.name) for e in directory.employees]
            clips = [await speak(voices[0], r) for r in requests[: args.trials]]
            turns = [
                await one_turn(stt, vad, tts, clips[i % len(clips)]) for i in range(args.trials)
            ]
            med = {k: statistics.median(t[k] for t in turns) for k in turns[0]}
            p90 = sorted(t["total"] for t in turns)[int(0.9 * (len(turns) - 1))]
            rows.append(_row(f"end of speech → first reply audio, median ({len(turns)} turns)",
                             f"{med['total']:.2f} s (p90 {p90:.2f} s)", "≤ 1.2 s", med["total"] <= 1.2))  # fmt: skip
            for part, label in (
                ("vad", "VAD silence wait"),
                ("stt", "STT"),
                ("tts", "TTS first audio"),
            ):
                rows.append(_row(f"… of which {label}, median", f"{med[part]:.2f} s", "", None))
    finally:
        await stt.aclose()
        for voice in voices:
            await voice.aclose()
    print("\n".join(rows))
    if args.phrasings and misses:
        print("\nMisses:\n" + "\n".join(f"- {m}" for m in misses))
    print(f"\nsettings: window={args.window}s, beam={args.beam}, hints={'off' if args.no_hints else args.hint_mode}, "
          f"vad min_silence={args.min_silence}s, piper length scales={args.voices}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--phrasings",
        type=int,
        default=2,
        help="phrasings per employee per voice (0 skips accuracy)",
    )
    parser.add_argument(
        "--voices", default="1.0,0.85", help="piper --length-scale per voice (speaking rates)"
    )
    parser.add_argument("--trials", type=int, default=15, help="latency turns (0 skips latency)")
    parser.add_argument("--beam", type=int, default=WhisperOptions().beam_size)
    parser.add_argument(
        "--hint-mode", choices=("prompt", "hotwords"), default=WhisperOptions().hint_mode
    )
    parser.add_argument(
        "--no-hints", action="store_true", help="transcribe without directory names"
    )
    parser.add_argument(
        "--window",
        type=int,
        default=WhisperOptions().window_seconds or 30,
        help="Whisper window in seconds for short utterances (30 = faster-whisper's own)",
    )
    parser.add_argument("--min-silence", type=float, default=VadOptions().min_silence_duration)
    asyncio.run(main(parser.parse_args()))
