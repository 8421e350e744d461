"""Silero VAD, loaded from the model file inside the `livekit-plugins-silero` wheel (no download)."""

from __future__ import annotations

from dataclasses import dataclass

from livekit.agents import vad

from switchboard.adapters.voice.availability import EXTRA_HINT, VoiceUnavailableError


@dataclass(frozen=True, slots=True)
class VadOptions:
    """Tuned for phone calls; see docs/offline-voice.md for the trade-offs."""

    # How long the caller must stay quiet before the turn ends. Every millisecond here is added
    # to the reply latency; much shorter cuts callers off at the pause before a surname.
    min_silence_duration: float = 0.45
    min_speech_duration: float = 0.05
    prefix_padding_duration: float = 0.3  # keep the soft start of the first word for Whisper
    activation_threshold: float = 0.5
    # 8 kHz inference matches phone audio and halves the VAD's work.
    sample_rate: int = 8000


def load_vad(options: VadOptions | None = None) -> vad.VAD:
    """Load silero VAD (blocking, well under a second); call it once per worker process."""
    opts = options or VadOptions()
    if opts.sample_rate not in (8000, 16000):
        raise ValueError("silero VAD runs at 8000 or 16000 Hz")
    try:
        from livekit.plugins import silero
    except ImportError as e:
        raise VoiceUnavailableError(
            f"silero VAD needs livekit-plugins-silero ({EXTRA_HINT})"
        ) from e
    return silero.VAD.load(
        min_silence_duration=opts.min_silence_duration,
        min_speech_duration=opts.min_speech_duration,
        prefix_padding_duration=opts.prefix_padding_duration,
        activation_threshold=opts.activation_threshold,
        sample_rate=8000 if opts.sample_rate == 8000 else 16000,
    )
