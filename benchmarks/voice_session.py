"""End of speech → first reply audio through a real livekit-agents `AgentSession` set up as the
agent worker sets up a call (`agent_worker._speech`: `TurnTakingSTT` over the offline STT, the
session taking the end of turn from it, the offline TTS), with the prewarmed models.

    PYTHONPATH=src .venv/bin/python benchmarks/voice_session.py --trials 15
    PYTHONPATH=src .venv/bin/python benchmarks/voice_session.py --previous   # the worker before:
        # livekit's StreamAdapter behind the VAD's 0.45 s window, default turn detection

benchmarks/voice.py measures the turn taker on its own; this puts it inside the session, with
everything the session adds (its own VAD, endpointing, the reply's scheduling, the TTS adapter).
The callers are voice.py's (piper through a simulated phone line, every third pausing mid-sentence)
played in real time into the session's audio input; the clock runs from the last voiced sample to
the first frame of the reply at the session's audio output. The model answers every turn with
voice.py's two-sentence reply at once (its own time is in benchmarks/agent.py). A cut-off is a
caller turn the session handed on before the caller finished.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support.agent_audio

from livekit.agents import Agent, AgentSession
from livekit.agents import tts as lk_tts
from tests.support.agent_audio import PlayedAudio, PushedAudio, ReplyLLM

from switchboard.adapters.voice.audio import TELEPHONE_SAMPLE_RATE, to_frames
from switchboard.adapters.voice.piper_process import PiperProcess
from switchboard.adapters.voice.vad import VadOptions, load_vad
from switchboard.entrypoints import agent_worker
from switchboard.settings import Settings
from voice import (
    FRAME_S,
    PHRASINGS,
    REPLY,
    Matcher,
    end_of_speech,
    load_directory,
    paused_request,
    speak,
)

REPLY_WAIT_S = 5.0


class Line:
    """Feeds the session's audio input in real time and notes what the session does."""

    def __init__(self, session: AgentSession[Any], line: PushedAudio, out: PlayedAudio) -> None:
        self.session, self.line, self.out = session, line, out
        self.users: list[tuple[float, str, dict[str, Any]]] = []  # (time, text, metrics)
        self.replies: list[dict[str, Any]] = []
        self.cut: list[str] = []  # what the session took as a whole turn before the caller finished
        self.changed = asyncio.Event()
        session.on("conversation_item_added", self._added)
        session.on("agent_state_changed", lambda _: self.changed.set())

    def _added(self, event: Any) -> None:
        item = event.item
        role = getattr(item, "role", None)
        if role == "user":
            self.users.append((time.perf_counter(), item.text_content or "", dict(item.metrics)))
        elif role == "assistant":
            self.replies.append(dict(item.metrics))
        self.changed.set()

    async def until(self, done: Any, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                while not done():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            return False
        return True

    async def turn(self, audio: np.ndarray, hears: Any) -> dict[str, float]:
        lead = np.zeros(TELEPHONE_SAMPLE_RATE // 2, dtype=np.int16)
        tail = np.zeros(3 * TELEPHONE_SAMPLE_RATE, dtype=np.int16)
        signal = np.concatenate([lead, audio, tail])
        users, replies, segments = len(self.users), len(self.replies), len(self.out.segments)
        start = time.perf_counter()
        speech_ends = start + lead.size / TELEPHONE_SAMPLE_RATE + end_of_speech(audio)
        for i, frame in enumerate(to_frames(signal, TELEPHONE_SAMPLE_RATE)):
            await asyncio.sleep(max(0.0, start + (i + 1) * FRAME_S - time.perf_counter()))
            self.line.push(frame)  # a frame arrives once its last sample has been spoken
        await self.until(lambda: len(self.replies) > replies, REPLY_WAIT_S)
        await self.until(lambda: self.session.agent_state == "listening", REPLY_WAIT_S)
        turns = self.users[users:]
        spoken = [t for t in self.out.segments[segments:] if t > speech_ends]
        heard = " ".join(text for _, text, _ in turns)
        eou = [m.get("end_of_turn_delay") for _, _, m in turns]
        reply = self.replies[-1] if len(self.replies) > replies else {}
        self.cut += [f"{text!r}, of {heard!r}" for t, text, _ in turns if t < speech_ends]
        return {
            "total": (spoken[0] - speech_ends) if spoken else float("nan"),
            "committed": (turns[-1][0] - speech_ends) if turns else float("nan"),
            "end_of_turn_delay": eou[-1] if eou and eou[-1] is not None else float("nan"),
            "e2e_latency": reply.get("e2e_latency", float("nan")),
            "llm_node_ttft": reply.get("llm_node_ttft", float("nan")),
            "tts_node_ttfb": reply.get("tts_node_ttfb", float("nan")),
            "cutoffs": float(sum(1 for t, _, _ in turns if t < speech_ends)),
            "named": float(bool(hears(heard))),
        }


def _median(values: list[float]) -> float:
    real = [v for v in values if v == v]
    return statistics.median(real) if real else float("nan")


async def main(args: argparse.Namespace) -> None:
    settings = Settings(_env_file=None, switchboard_stt="offline", switchboard_tts="offline")
    directory, source = load_directory(args.directory)
    matcher = Matcher(directory)
    warm = agent_worker.warm_voice(settings)  # what prewarm loads once per job process
    if args.previous:
        from switchboard.adapters.voice.stt import OfflineSTT
        from switchboard.adapters.voice.tts import OfflineTTS

        speech: dict[str, Any] = {
            "stt": OfflineSTT(hints=matcher.hints(), model=warm.get("whisper")),
            "tts": OfflineTTS(),
            "vad": load_vad(VadOptions()),
        }
        setup = "previous: StreamAdapter, VAD 0.45 s, livekit's default turn detection"
    else:
        speech = agent_worker._speech(settings, warm["vad"], matcher.hints(), warm.get("whisper"))
        setup = "worker: TurnTakingSTT, turn_detection=stt"
    voice = PiperProcess.from_voice_package()
    offline_tts = speech["tts"]
    if isinstance(offline_tts, lk_tts.StreamAdapter):  # the worker's reply_tts around OfflineTTS
        offline_tts = offline_tts._wrapped_tts
    await offline_tts.warm_up()
    people = directory.employees
    clips = [
        await paused_request(voice, people[i % len(people)].name)
        if i % 3 == 2
        else await speak(voice, PHRASINGS[0].format(name=people[i % len(people)].name))
        for i in range(args.trials)
    ]
    await voice.aclose()
    model = ReplyLLM(REPLY)
    out, line_in = PlayedAudio(), PushedAudio()
    async with model, AgentSession(llm=model, **speech) as session:
        session.input.audio, session.output.audio = line_in, out
        await session.start(Agent(instructions="Answer every caller with the same line."))
        line = Line(session, line_in, out)
        turns = []
        for i, clip in enumerate(clips):
            target = people[i % len(people)].id
            turns.append(await line.turn(clip, lambda heard, t=target: matcher.resolve(heard) == t))
    await offline_tts.aclose()
    totals = sorted(t["total"] for t in turns if t["total"] == t["total"])
    p90 = totals[int(0.9 * (len(totals) - 1))] if totals else float("nan")
    paused = len(range(2, args.trials, 3))
    rows = [
        "| measure | result |",
        "|---|---|",
        f"| end of speech → first reply audio at the session's output, median ({len(totals)}/{len(turns)} turns answered) | {_median(totals):.2f} s (p90 {p90:.2f} s) |",
        f"| … end of speech → the session hands the caller's turn on, median | {_median([t['committed'] for t in turns]):.2f} s |",
        f"| … livekit's own end_of_turn_delay / e2e_latency, median | {_median([t['end_of_turn_delay'] for t in turns]):.2f} s / {_median([t['e2e_latency'] for t in turns]):.2f} s |",
        f"| … livekit's llm_node_ttft / tts_node_ttfb (first sentence's audio), median | {_median([t['llm_node_ttft'] for t in turns]):.2f} s / {_median([t['tts_node_ttfb'] for t in turns]):.2f} s |",
        f"| cut-offs ({paused} of {len(turns)} callers pause mid-sentence) | {int(sum(t['cutoffs'] for t in turns))} |",
        f"| callers whose name was resolved from what the session heard | {int(sum(t['named'] for t in turns))}/{len(turns)} |",
    ]  # fmt: skip
    print("\n".join(rows))
    print(f"\nsetup: {setup}; directory: {source}")
    for cut in line.cut:
        print(f"- cut off: the session ended the turn on {cut}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--directory", type=Path, help="directory file; default: the demo one")
    parser.add_argument(
        "--previous", action="store_true", help="the worker's set-up before TurnTakingSTT"
    )
    asyncio.run(main(parser.parse_args()))
