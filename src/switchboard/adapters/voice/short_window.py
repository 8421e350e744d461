"""Whisper on a 10-second window instead of 30 for phone-length utterances.

faster-whisper always pads audio to Whisper's 30 s window, and on two cores encoding that window
is most of the cost (~0.5 s) for a two-second "Could I speak to Priya Raman?". Encoding a 10 s
window instead takes about a tenth of the time and recognised names as well or better in
benchmarks/voice.py; windows hugging the speech (1–3 s of padding) recognised far worse, so the
window never shrinks below `window_seconds`. Longer audio goes through faster-whisper unchanged.

This reaches into faster-whisper 1.x internals (`feature_extractor`, `model`, `get_prompt`), which
the [voice] extra pins below 2.0; the offline voice test exercises this path for real.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FRAMES_PER_SECOND = 100  # Whisper's log-mel frames: one per 10 ms
# faster-whisper's own rule for dropping a window as silence.
NO_SPEECH_PROB = 0.6
NO_SPEECH_LOGPROB = -1.0


@dataclass(frozen=True, slots=True)
class ShortSegment:
    text: str
    avg_logprob: float
    no_speech_prob: float


class ShortWindowWhisper:
    """Wraps a `faster_whisper.WhisperModel` with the same `transcribe` call shape."""

    def __init__(self, model: Any, *, window_seconds: int = 10, margin_seconds: float = 1.0):
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._model = model
        self._frames = min(3000, window_seconds * FRAMES_PER_SECOND)
        self._margin = int(margin_seconds * FRAMES_PER_SECOND)  # room after the speech ends
        self._tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])
        # The last audio encoded on each thread, for a second reading with another prompt and for
        # `scorer`: encoding is most of a decode's cost and does not depend on the prompt.
        self._last = threading.local()

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterable[Any], Any]:
        """As `WhisperModel.transcribe`; short audio takes the small window (English, no timestamps)."""
        cached = getattr(self._last, "audio", None)
        features = self._last.features if cached is audio else self._model.feature_extractor(audio)
        if features.shape[-1] + self._margin > self._frames:
            return self._model.transcribe(audio, **options)  # type: ignore[no-any-return]
        if cached is not audio:
            self._last.audio, self._last.features, self._last.encoded = audio, features, None
        segment = self._decode_window(features, options)
        return ([segment] if segment is not None else []), None

    def scorer(self, audio: np.ndarray) -> HypothesisScorer | None:
        """Scores transcripts of `audio`, the audio this thread decoded last, reusing its
        encoding; None when that encoding is not at hand (other audio, or too long for the
        short window)."""
        if getattr(self._last, "audio", None) is not audio or self._last.encoded is None:
            return None
        return HypothesisScorer(self, self._last.encoded, self._last.features.shape[-1])

    def _encode(self, features: np.ndarray) -> Any:
        if getattr(self._last, "features", None) is features and self._last.encoded is not None:
            return self._last.encoded
        # ctranslate2 (faster-whisper's engine) ships no type hints; mypy's overrides list only
        # faster_whisper, so import it untyped.
        ctranslate2: Any = importlib.import_module("ctranslate2")
        padded = np.zeros((1, features.shape[0], self._frames), dtype=np.float32)
        padded[0, :, : features.shape[-1]] = features  # zero features, as faster-whisper pads
        encoded = self._model.model.encode(ctranslate2.StorageView.from_array(padded))
        if getattr(self._last, "features", None) is features:
            self._last.encoded = encoded
        return encoded

    def _decode_window(self, features: np.ndarray, options: dict[str, Any]) -> ShortSegment | None:
        encoded = self._encode(features)
        hint = options.get("initial_prompt") or options.get("hotwords")
        previous = self._tokenizer.encode(" " + hint.strip()) if hint else []
        prompt = self._model.get_prompt(self._tokenizer, previous, without_timestamps=True)
        result = self._model.model.generate(
            encoded,
            [prompt],
            beam_size=int(options.get("beam_size", 1)),
            max_length=len(prompt) + int(options.get("max_new_tokens") or 100),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = result.sequences_ids[0]
        avg_logprob = float(result.scores[0]) * len(tokens) / (len(tokens) + 1)
        if result.no_speech_prob > NO_SPEECH_PROB and avg_logprob < NO_SPEECH_LOGPROB:
            return None
        text = self._tokenizer.decode(tokens).strip()
        return ShortSegment(text, avg_logprob, float(result.no_speech_prob)) if text else None


class HypothesisScorer:
    """log P(text | audio, prompt) for candidate transcripts of one encoded utterance: each
    text's tokens forced through Whisper's decoder in one batch (ctranslate2 `Whisper.align`,
    whose `text_token_probs` are the decoder's probabilities of the given tokens, as
    faster-whisper reads them for word probabilities: SYSTRAN/faster-whisper@v1.2.1:
    faster_whisper/transcribe.py:1709)."""

    def __init__(self, owner: ShortWindowWhisper, encoded: Any, frames: int) -> None:
        self._owner, self._encoded, self._frames = owner, encoded, frames

    def __call__(self, prompt: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        ctranslate2: Any = importlib.import_module("ctranslate2")
        owner = self._owner
        tok = owner._tokenizer
        previous = tok.encode(" " + prompt.strip()) if prompt.strip() else []
        start = owner._model.get_prompt(tok, previous, without_timestamps=True)
        tokens = [tok.encode(" " + t.strip()) for t in texts]
        # align pairs each text with its own row of the encoder output.
        rows = np.repeat(np.asarray(self._encoded), len(texts), axis=0)
        results = owner._model.model.align(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(rows)),
            start,
            tokens,
            self._frames // 2,  # encoder frames: two mel frames each
        )
        return [
            float(np.log(np.maximum(np.asarray(r.text_token_probs, dtype=np.float64), 1e-12)).sum())
            for r in results
        ]
