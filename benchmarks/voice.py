"""Offline voice benchmarks: spoken-name accuracy and end-of-speech → first reply audio.

    .venv/bin/python benchmarks/voice.py            # both measures, markdown table on stdout
    .venv/bin/python benchmarks/voice.py --directory benchmarks/data/voice/directory-320.yaml \
        --trials 0                                  # accuracy on the generated 320 people
    .venv/bin/python benchmarks/voice.py --help     # sizes and tunables

(1) Each employee is asked for by piper voices (speaking rates rotate) in a few phrasings, sent
through a simulated phone line (8 kHz, 300–3400 Hz, µ-law), then silero VAD → turn taking →
OfflineSTT (hinted with the directory's names) → `Resolver.scan`. Top-1 counts a `match` on the
right employee on the first request. When that finds nobody, the call goes on as the offline
receptionist runs it (`rest_of_call`: its own `Dialogue`, `find_employee` answered from the same
resolver; `--no-spelling` scores the first request alone), each caller turn spoken by piper and
heard again, with the agent's last words handed to the recogniser as the session hands them:
the caller repeats the request when asked again, spells the surname ("U. L. K. E. R.") when asked
to, answers "which one?" with the department (or the name again), and puts a wrong routing right
("No, I'd like to speak to …") when the agent says whom it found. "Right person reached" counts
the calls whose agent ends up with the right employee. The first request is followed the same
way when it found someone else (the agent says the name back, and the caller puts it right);
"wrong person" counts the calls that end with someone else, who would be rung. Target ≥ 97%.
(2) Requests are played in real time into the turn taker (`TurnTakingSTT`, or livekit's
`StreamAdapter` with `--turns vad`); the clock runs from the last voiced sample of caller speech
to the first audio of a two-sentence reply spoken sentence by sentence (`sentence_audio`). Every
third caller pauses mid-sentence ("I'd like to speak to … um … Dana Whitfield."); a turn ended
before the caller finished is a cut-off. Target median ≤ 0.8 s, p90 ≤ 1.1 s, no cut-offs. The
brain's own time (milliseconds, measured in benchmarks/agent.py) is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from livekit.agents import stt as lk_stt
from livekit.agents import vad as lk_vad

from switchboard.adapters.brain.offline.company import email_format, front_desk
from switchboard.adapters.brain.offline.dialogue import Dialogue
from switchboard.adapters.brain.offline.state import Asking
from switchboard.adapters.voice import OfflineSTT, OfflineTTS, VadOptions, WhisperOptions, load_vad
from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, telephone_audio, to_frames
from switchboard.adapters.voice.piper_process import PiperProcess
from switchboard.adapters.voice.tts import sentence_audio
from switchboard.adapters.voice.turn_stream import TurnTakingSTT
from switchboard.adapters.voice.turns import TurnTiming
from switchboard.adapters.voice.whisper import load_whisper
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.domain.resolution.normalize import fold

DEMO = Path(__file__).resolve().parents[1] / "src/switchboard/data/demo_directory.yaml"
PHRASINGS = (
    "Could I speak to {name} please?",
    "Hi, I'm trying to reach {name}.",
    "{name}, please.",
    "Is {name} available today?",
)
REPLY = (
    "Sure, one moment while I connect you. If nobody answers, I can take a message "
    "and make sure it reaches the right person today."
)
PAUSED = ("I'd like to speak to", "um", "{name}.")  # said with pauses between the parts
PAUSES_S = (0.6, 0.5)
FRAME_S = 0.02

# Used only until the demo directory lands: varied origins, a few sound-alikes.
_FALLBACK_NAMES = (
    "Priya Raman", "Tom Reed", "Kathryn Doyle", "Marcus Bell", "Siobhan Walsh", "Wei Chen",
    "Ana Chan", "Oluwaseun Adeyemi", "Diego Hernandez", "Fatima Al-Sayed", "Grace O'Connor",
    "Rajesh Kumar", "Yuki Tanaka", "Bjorn Larsen", "Chloe Dubois", "Mohammed Rahman",
    "Sarah Goldberg", "Kwame Mensah", "Isabella Rossi", "Liam Murphy",
)  # fmt: skip


def load_directory(path: Path | None = None) -> tuple[Directory, str]:
    """`path` (YAML or CSV), else the demo directory, else the built-in stand-in (named)."""
    if path is not None:
        from switchboard.adapters.directory_file import read_directory_file

        read = read_directory_file(path)
        if read.directory is not None:
            return read.directory, path.name
        profile = CompanyProfile(name="Bench Co")  # a CSV holds employees only
        return Directory(profile, employees=read.employees), path.name
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

    def resolution(self, text: str) -> tuple[str, list[Any]]:
        """(status, candidates) as the receptionist's lookup answers `text`."""
        if self.resolver is None:
            found = self.resolve(text)
            return ("match", [found]) if found else ("none", [])
        result = self.resolver.scan(text)
        return str(result.status), [c.id for c in result.candidates]

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


NOISE: dict[str, float | None] = {"snr_db": None}  # --noise: noise under every caller
_RNG = np.random.default_rng(20261207)


async def speak(engine: PiperProcess, text: str) -> np.ndarray:
    """Caller audio for `text` as a phone line delivers it (with --noise, over a noisy room)."""
    pcm = np.frombuffer(await engine.synthesize(text), dtype=np.int16)
    snr = NOISE["snr_db"]
    if snr is not None and pcm.size:
        speech = pcm.astype(np.float64)
        voiced = speech[np.abs(speech) > 0.02 * 32768]
        level = float(np.sqrt(np.mean(voiced**2))) if voiced.size else 0.0
        noise = _RNG.normal(0.0, level / 10 ** (snr / 20), speech.size)
        pcm = np.clip(speech + noise, -32768, 32767).astype(np.int16)
    return telephone_audio(pcm, engine.sample_rate)


heard_all: list[dict[str, str]] = []  # every accuracy request, for --dump
WRONG: list[str] = []  # requests resolved to a different employee in the last accuracy run
FOLLOW_UPS: dict[str, int] = {}  # the spelling and which-one turns of the last accuracy run
FOLLOW_UPS_HEARD: list[str] = []  # what each follow-up turn was heard as


def spelled(name: str) -> str:
    """How a caller spells a surname for the agent: "U. L. K. E. R." (accents dropped, as
    callers do on an English-speaking line)."""
    letters = [ch for ch in fold(name).split()[-1] if ch.isalpha()]
    return ". ".join(ch.upper() for ch in letters) + "."


def lookup(matcher: Matcher, query: str) -> str:
    """What `find_employee` answers the offline brain (services/receptionist/tools.py), everyone
    available: the status, and the people to name or the department and its front contact."""
    directory = matcher.directory
    found = matcher.resolver.resolve(query)

    def person(employee_id: str) -> dict[str, object]:
        e = directory.employee(employee_id)
        dept = directory.department(e.department or "") if e is not None else None
        return {"id": employee_id, "name": e.name if e else "", "title": e.title if e else None,
                "department": dept.name if dept else None, "available": True,
                "availability_note": ""}  # fmt: skip

    payload: dict[str, object] = {"status": found.status.value}
    if found.status.value == "department" and found.best is not None:
        front = directory.front_contact(found.best.id)
        payload["department"] = {"id": found.best.id, "name": found.best.name}
        payload["front_contact"] = person(front.id) if front is not None else None
    else:
        payload["candidates"] = [person(c.id) for c in found.offered]
        if len(found.candidates) > len(found.offered):
            payload["count"] = len(found.candidates)
    return json.dumps(payload)


def receptionist(matcher: Matcher) -> Dialogue:
    """The offline brain's dialogue for one call, as `OfflineBrain` sets it up."""
    directory = matcher.directory
    dialogue = Dialogue(company_name=directory.company.name)
    dialogue.use_directory(matcher.resolver, email_format(directory), front_desk(directory))
    return dialogue


MAX_CALLER_TURNS = 6


async def rest_of_call(
    matcher: Matcher,
    stt: OfflineSTT,
    ears: lk_stt.STT[Any],
    voice: PiperProcess,
    employee: Employee,
    first: str,
) -> str | None:
    """The call after the first request (heard as `first`), run by the offline receptionist's own
    dialogue, each of the caller's turns spoken and heard again: the caller answers what the
    agent says — spells the surname when asked, answers "which one?" with the department (or the
    name again), and puts a wrong routing right ("No, I'd like to speak to …"). The call is
    decided when the agent has someone to put the caller through to and asks who is calling (or
    dials); whom it has then is returned (None: it offered the front desk or a message, or the
    caller ran out of turns)."""
    dialogue = receptionist(matcher)
    heard = first
    for _ in range(MAX_CALLER_TURNS):
        reply = dialogue.on_caller(heard)
        said = [reply.text]
        while reply.tool == "find_employee":
            reply = dialogue.on_tool("find_employee", lookup(matcher, reply.args["query"]), False)
            said.append(reply.text)
        line = " ".join(t for t in said if t)
        state = dialogue.state
        target = state.target
        if reply.tool == "transfer_call" or (
            target is not None and state.asking not in (Asking.TARGET, Asking.WHICH)
        ):
            named = target is not None and target.name in line  # said back: the caller can object
            if target is not None and (target.id == employee.id or not named):
                return target.id
            answer = f"No, I'd like to speak to {employee.name}, please."
        elif dialogue.expects_spelling:
            FOLLOW_UPS["asked to spell"] = FOLLOW_UPS.get("asked to spell", 0) + 1
            answer = spelled(employee.name)
        elif state.asking is Asking.WHICH:
            FOLLOW_UPS["asked which one"] = FOLLOW_UPS.get("asked which one", 0) + 1
            mine = next((c.department for c in state.candidates if c.id == employee.id), None)
            apart = mine is not None and [c.department for c in state.candidates].count(mine) == 1
            answer = f"The one in {mine}." if apart else f"{employee.name}."
        elif state.asking is Asking.TARGET:
            FOLLOW_UPS["asked again who"] = FOLLOW_UPS.get("asked again who", 0) + 1
            answer = f"I'd like to speak to {employee.name}, please."
        else:  # the way out (the front desk or a message), or anything else: not found
            return None
        stt.heard_agent_say(line)  # as the session hands the recogniser the agent's words
        try:
            heard = await recognise(ears, await speak(voice, answer))
        finally:
            stt.heard_agent_say("")
        FOLLOW_UPS_HEARD.append(heard)
    return None


def listener(stt: OfflineSTT, vad: lk_vad.VAD, turns: str, timing: TurnTiming) -> lk_stt.STT[Any]:
    """VAD → STT: the turn taker (`early`) or livekit's fixed-window adapter (`vad`)."""
    if turns == "early":
        return TurnTakingSTT(stt=stt, vad=vad, timing=timing)
    return lk_stt.StreamAdapter(stt=stt, vad=vad)


async def recognise(ears: lk_stt.STT[Any], audio: np.ndarray) -> str:
    """One request through VAD → STT, fed as fast as it will take the audio."""
    stream = ears.stream()
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
    matcher: Matcher,
    ears: lk_stt.STT[Any],
    voices: list[PiperProcess],
    requests: int,
    sample: int = 1,
    stt: OfflineSTT | None = None,
) -> tuple[int, int, int, list[str], int]:
    """`requests` per employee; voice (speaking rate) and phrasing rotate, so each employee is
    heard at every rate and in every phrasing as `requests` grows. The last number counts the
    calls that reach the right person in the end (`follow_up`, with `stt`)."""
    correct, heard_ok, total, misses, reached = 0, 0, 0, [], 0
    WRONG.clear()
    FOLLOW_UPS.clear()
    heard_all.clear()
    for e, employee in enumerate(matcher.directory.employees[::sample]):
        for r in range(requests):
            voice = voices[(e + r) % len(voices)]
            phrase = PHRASINGS[(e + r // len(voices)) % len(PHRASINGS)].format(name=employee.name)
            heard = await recognise(ears, await speak(voice, phrase))
            heard_all.append(
                {"id": employee.id, "name": employee.name, "said": phrase, "heard": heard}
            )
            total += 1
            heard_ok += name_heard(employee.name, heard)
            found = matcher.resolve(heard)
            if found == employee.id:
                correct += 1
                reached += 1
                continue
            tag = "resolver" if name_heard(employee.name, heard) else "STT"
            if found is not None:
                tag = f"first request read as {found}, {tag}"
            then = ""
            if stt is None or matcher.resolver is None:
                if found is not None:  # worse than a miss: the call goes to someone else
                    WRONG.append(found)
            else:
                # The first request found nobody, or someone else (whom the agent says back):
                # the call goes on.
                status, among = matcher.resolution(heard)
                FOLLOW_UPS_HEARD.clear()
                ended = await rest_of_call(matcher, stt, ears, voice, employee, heard)
                reached += ended == employee.id
                if ended == employee.id:
                    then = " → reached after the follow-up"
                elif ended is not None:
                    WRONG.append(ended)
                    then = (
                        f" → WRONG PERSON {ended} after the follow-up (heard {FOLLOW_UPS_HEARD!r})"
                    )
                elif FOLLOW_UPS_HEARD:
                    then = f" → not found after the follow-up (heard {FOLLOW_UPS_HEARD!r})"
                else:
                    then = f" → no follow-up: the request was read as {status} {among}"
            misses.append(f"[{tag}] {employee.name!r} → heard {heard!r}{then}")
    return correct, heard_ok, total, misses, reached


def end_of_speech(audio: np.ndarray) -> float:
    """Seconds from the start of `audio` to its last clearly voiced sample."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return float(loud[-1] + 1) / TELEPHONE_SAMPLE_RATE if loud.size else 0.0


def trim(audio: np.ndarray) -> np.ndarray:
    """`audio` without its quiet start and end (piper pads every synthesis)."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio[:0]


async def paused_request(voice: PiperProcess, name: str) -> np.ndarray:
    """ "I'd like to speak to … um … {name}." with `PAUSES_S` of silence between the parts."""
    parts = [trim(await speak(voice, p.format(name=name))) for p in PAUSED]
    gaps = [np.zeros(int(g * TELEPHONE_SAMPLE_RATE), dtype=np.int16) for g in PAUSES_S]
    return np.concatenate([parts[0], gaps[0], parts[1], gaps[1], parts[2]])


async def one_turn(
    ears: lk_stt.STT[Any], tts: OfflineTTS, audio: np.ndarray, hears: Any = None
) -> dict[str, float]:
    """Play one request in real time; times from the end of caller speech, in seconds, and
    `cutoffs`: turns ended while the caller still had words to say."""
    lead = np.zeros(TELEPHONE_SAMPLE_RATE // 2, dtype=np.int16)
    tail = np.zeros(3 * TELEPHONE_SAMPLE_RATE, dtype=np.int16)
    signal = np.concatenate([lead, audio, tail])
    stream = ears.stream()
    start = time.perf_counter()
    speech_ends = start + lead.size / TELEPHONE_SAMPLE_RATE + end_of_speech(audio)

    async def play() -> None:
        for i, frame in enumerate(to_frames(signal, TELEPHONE_SAMPLE_RATE)):
            await asyncio.sleep(max(0.0, start + (i + 1) * FRAME_S - time.perf_counter()))
            stream.push_frame(frame)  # a frame arrives once its last sample has been spoken
        stream.end_input()

    player = asyncio.create_task(play())
    marks: dict[str, float] = {}
    cutoffs = 0
    heard = ""
    async for event in stream:
        if event.type == lk_stt.SpeechEventType.END_OF_SPEECH:
            if time.perf_counter() < speech_ends:
                cutoffs += 1  # the agent would now answer half a sentence
                continue
            marks["vad"] = time.perf_counter()
        elif event.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT and "vad" in marks:
            marks["stt"] = time.perf_counter()
            heard = event.alternatives[0].text if event.alternatives else ""
            reply = sentence_audio(tts, REPLY)
            await anext(reply)
            marks["audio"] = time.perf_counter()
            async for _ in reply:  # say the rest, as a call would, before the next turn
                pass
            break
    player.cancel()
    await stream.aclose()
    return {
        "vad": marks["vad"] - speech_ends,
        "stt": marks["stt"] - marks["vad"],
        "tts": marks["audio"] - marks["stt"],
        "total": marks["audio"] - speech_ends,
        "cutoffs": float(cutoffs),
        "named": float(bool(hears and hears(heard))),
    }


def _row(name: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("✅" if ok else "❌")
    return f"| {name} | {value} | {target} | {verdict} |"


async def main(args: argparse.Namespace) -> None:
    NOISE["snr_db"] = args.noise
    directory, source = load_directory(args.directory)
    matcher = Matcher(directory)
    window = None if args.window == 30 else args.window
    whisper_opts = WhisperOptions(
        beam_size=args.beam,
        cpu_threads=args.cpu_threads,
        hint_mode=args.hint_mode,
        window_seconds=window,
        reread_with_closest_names=not args.no_reread,
        snap_names=not args.no_snap,
        rescore_names=not args.no_rescore,
    )
    model = load_whisper(whisper_opts)
    stt = OfflineSTT(
        hints=[] if args.no_hints else matcher.hints(), options=whisper_opts, model=model
    )
    timing = TurnTiming(
        probe_silence=args.probe_silence,
        quick_silence=args.quick_silence,
        max_silence=args.max_silence,
    )
    # The turn taker decides itself; the VAD's own window is only its backstop.
    window = timing.spelling_silence if args.turns == "early" else args.min_silence
    vad = load_vad(VadOptions(min_silence_duration=window))
    ears = listener(stt, vad, args.turns, timing)
    scales = [s for s in args.voices.split(",") if s]
    voices = [PiperProcess.from_voice_package(extra_args=("--length-scale", s)) for s in scales]
    rows = ["| measure | result | target | |", "|---|---|---|---|"]
    try:
        requests = (
            args.requests if args.requests is not None else (4 if args.directory is None else 1)
        )
        if requests:
            correct, heard, total, misses, reached = await accuracy(
                matcher, ears, voices, requests, args.sample, None if args.no_spelling else stt
            )
            share = correct / total
            size = len(directory.employees[:: args.sample])
            rows.append(
                _row(f"spoken-name top-1, first request ({source}, {size} people, {total} requests, {matcher.name})",
                     f"{share:.1%} ({correct}/{total})", "" if not args.no_spelling else "≥ 97%",
                     None if not args.no_spelling else share >= 0.97)
            )  # fmt: skip
            if not args.no_spelling:
                rows.append(
                    _row("right person reached (the call goes on: asked again, spelled, which one)",
                         f"{reached / total:.1%} ({reached}/{total})", "≥ 97%",
                         reached / total >= 0.97)
                )  # fmt: skip
                for what, n in FOLLOW_UPS.items():
                    rows.append(_row(f"… {what}", str(n), "", None))
            rows.append(
                _row("… calls ending with a different employee (wrong person; the rest found nobody)",
                     f"{len(WRONG) / total:.1%} ({len(WRONG)}/{total})", "", None)
            )  # fmt: skip
            rows.append(
                _row("… transcripts carrying the name nearly verbatim (STT alone)",
                     f"{heard / total:.1%} ({heard}/{total})", "", None)
            )  # fmt: skip
        if args.trials:
            tts = OfflineTTS(engine=voices[0])
            await tts.warm_up()
            people = directory.employees
            clips = [
                # Every third caller pauses mid-sentence; the others say it in one go.
                await paused_request(voices[0], people[i % len(people)].name)
                if i % 3 == 2
                else await speak(voices[0], PHRASINGS[0].format(name=people[i % len(people)].name))
                for i in range(args.trials)
            ]

            def named(i: int) -> Any:
                target = people[i % len(people)].id
                return lambda heard: matcher.resolve(heard) == target

            turns = [await one_turn(ears, tts, clip, named(i)) for i, clip in enumerate(clips)]
            med = {k: statistics.median(t[k] for t in turns) for k in turns[0]}
            p90 = sorted(t["total"] for t in turns)[int(0.9 * (len(turns) - 1))]
            cut = int(sum(t["cutoffs"] for t in turns))
            rows.append(_row(f"end of speech → first reply audio, median ({len(turns)} turns)",
                             f"{med['total']:.2f} s (p90 {p90:.2f} s)", "≤ 0.8 s (p90 ≤ 1.1 s)",
                             med["total"] <= 0.8 and p90 <= 1.1))  # fmt: skip
            for part, label in (
                ("vad", "end-of-turn wait"),
                ("stt", "transcript after the turn ended"),
                ("tts", "first sentence's audio"),
            ):
                rows.append(_row(f"… of which {label}, median", f"{med[part]:.2f} s", "", None))
            paused = len(range(2, args.trials, 3))
            paused_named = int(sum(t["named"] for t in turns[2::3]))
            rows.append(_row(f"cut-offs (turn ended before the caller finished; {paused} of {len(turns)} callers pause mid-sentence)",
                             str(cut), "0", cut == 0))  # fmt: skip
            rows.append(_row("… paused callers whose name was resolved from the whole turn",
                             f"{paused_named}/{paused}", "", None))  # fmt: skip
    finally:
        await stt.aclose()
        for voice in voices:
            await voice.aclose()
    print("\n".join(rows))
    if args.dump is not None and heard_all:
        import json

        args.dump.write_text(json.dumps(heard_all, indent=1, ensure_ascii=False))
    if requests and misses:
        print("\nMisses:\n" + "\n".join(f"- {m}" for m in misses))
    turn_rule = (f"early (probe {timing.probe_silence}s, quick {timing.quick_silence}s, max {timing.max_silence}s)"
                 if args.turns == "early" else f"vad min_silence={args.min_silence}s")  # fmt: skip
    hints = "off" if args.no_hints else args.hint_mode + ("" if args.no_reread else "+reread")
    hints += "" if args.no_snap else ", names snapped"
    hints += "" if args.no_rescore else ", names rescored"
    print(f"\nsettings: window={args.window}s, beam={args.beam}, threads={args.cpu_threads}, hints={hints}, "
          f"turns={turn_rule}, piper length scales={args.voices}, noise={args.noise or 'none'}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--directory", type=Path, help="directory file (YAML or CSV); default: the demo directory"
    )
    parser.add_argument(
        "--requests",
        type=int,
        help="requests per employee, voices and phrasings rotating (0 skips accuracy; "
        "default 4 for the demo directory, 1 with --directory)",
    )
    parser.add_argument(
        "--voices", default="1.0,0.85", help="piper --length-scale per voice (speaking rates)"
    )
    parser.add_argument("--trials", type=int, default=15, help="latency turns (0 skips latency)")
    parser.add_argument("--beam", type=int, default=WhisperOptions().beam_size)
    parser.add_argument("--cpu-threads", type=int, default=WhisperOptions().cpu_threads,
                        help="Whisper's CPU threads (ctranslate2)")  # fmt: skip
    parser.add_argument(
        "--hint-mode", choices=("prompt", "hotwords"), default=WhisperOptions().hint_mode
    )
    parser.add_argument(
        "--no-hints", action="store_true", help="transcribe without directory names"
    )
    parser.add_argument(
        "--no-reread",
        action="store_true",
        help="large directories: do not read each turn again with the closest names",
    )
    parser.add_argument(
        "--noise",
        type=float,
        metavar="SNR_DB",
        help="add white noise this many dB below the caller's voice (e.g. 20)",
    )
    parser.add_argument(
        "--no-snap", action="store_true", help="leave garbled names as the recogniser wrote them"
    )
    parser.add_argument(
        "--no-rescore",
        action="store_true",
        help="do not let Whisper rescore the directory names closest to each transcript",
    )
    parser.add_argument(
        "--no-spelling",
        action="store_true",
        help="score the first request only: the call does not go on after a miss",
    )
    parser.add_argument(
        "--dump", type=Path, help="write every request's name and transcript to this JSON file"
    )
    parser.add_argument(
        "--sample", type=int, default=1, help="accuracy on every N-th employee only (quick looks)"
    )
    parser.add_argument(
        "--window",
        type=int,
        default=WhisperOptions().window_seconds or 30,
        help="Whisper window in seconds for short utterances (30 = faster-whisper's own)",
    )
    parser.add_argument(
        "--turns",
        choices=("early", "vad"),
        default="early",
        help="early: TurnTakingSTT; vad: livekit's StreamAdapter with a fixed VAD window",
    )
    parser.add_argument(
        "--min-silence",
        type=float,
        default=VadOptions().min_silence_duration,
        help="VAD window with --turns vad",
    )
    parser.add_argument("--probe-silence", type=float, default=TurnTiming().probe_silence)
    parser.add_argument("--quick-silence", type=float, default=TurnTiming().quick_silence)
    parser.add_argument("--max-silence", type=float, default=TurnTiming().max_silence)
    asyncio.run(main(parser.parse_args()))
