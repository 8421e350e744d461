"""Audio shaping for offline voice: Whisper's input format and simulated telephone audio.

numpy and livekit's own resampler only, so no system audio package (sox, ffmpeg) is needed.
"""

from __future__ import annotations

import numpy as np
from livekit import rtc
from livekit.agents.utils import AudioBuffer

WHISPER_SAMPLE_RATE = 16000
TELEPHONE_SAMPLE_RATE = 8000
TELEPHONE_BAND_HZ = (300.0, 3400.0)  # the G.711 voice band
_MU = 255.0


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono int16 samples with livekit's high-quality resampler."""
    if from_rate == to_rate or samples.size == 0:
        return samples.astype(np.int16)
    resampler = rtc.AudioResampler(from_rate, to_rate, quality=rtc.AudioResamplerQuality.HIGH)
    frame = rtc.AudioFrame(samples.astype(np.int16).tobytes(), from_rate, 1, samples.size)
    chunks = [*resampler.push(frame), *resampler.flush()]
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate([np.frombuffer(c.data, dtype=np.int16) for c in chunks])


def mono_samples(buffer: AudioBuffer) -> tuple[np.ndarray, int]:
    """The buffer as one mono int16 array and its sample rate; empty input gives no samples."""
    frames = buffer if isinstance(buffer, list) else [buffer]
    frames = [f for f in frames if f.samples_per_channel > 0]
    if not frames:
        return np.zeros(0, dtype=np.int16), WHISPER_SAMPLE_RATE
    frame = rtc.combine_audio_frames(frames)
    samples = np.frombuffer(frame.data, dtype=np.int16)
    if frame.num_channels > 1:
        samples = samples.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
    return samples, frame.sample_rate


def whisper_input(buffer: AudioBuffer) -> np.ndarray:
    """What faster-whisper expects: mono float32 in [-1, 1] at 16 kHz."""
    samples, rate = mono_samples(buffer)
    return resample(samples, rate, WHISPER_SAMPLE_RATE).astype(np.float32) / 32768.0


def telephone_audio(samples: np.ndarray, sample_rate: int, *, mu_law: bool = True) -> np.ndarray:
    """Mono int16 audio as a phone line delivers it: 8 kHz, 300–3400 Hz, G.711 µ-law quantised."""
    narrow = resample(samples, sample_rate, TELEPHONE_SAMPLE_RATE).astype(np.float64)
    if narrow.size:
        spectrum = np.fft.rfft(narrow)
        freqs = np.fft.rfftfreq(narrow.size, d=1.0 / TELEPHONE_SAMPLE_RATE)
        low, high = TELEPHONE_BAND_HZ
        spectrum[(freqs < low) | (freqs > high)] = 0
        narrow = np.fft.irfft(spectrum, n=narrow.size)
    if mu_law:
        # Compand and expand in 8 bits: the quantisation noise a G.711 call adds.
        x = np.clip(narrow / 32768.0, -1.0, 1.0)
        code = np.round(np.sign(x) * np.log1p(_MU * np.abs(x)) / np.log1p(_MU) * 127.0) / 127.0
        narrow = np.sign(code) * np.expm1(np.abs(code) * np.log1p(_MU)) / _MU * 32768.0
    return np.clip(narrow, -32768, 32767).astype(np.int16)


def to_frames(samples: np.ndarray, sample_rate: int, *, frame_ms: int = 20) -> list[rtc.AudioFrame]:
    """Split mono int16 samples into frames of `frame_ms`, as a room track delivers them."""
    step = max(1, sample_rate * frame_ms // 1000)
    pcm = samples.astype(np.int16)
    return [
        rtc.AudioFrame(pcm[i : i + step].tobytes(), sample_rate, 1, pcm[i : i + step].size)
        for i in range(0, pcm.size, step)
    ]
