"""What can be heard on a phone line without a speech model: voice versus silence, and beeps.

numpy only (a base dependency through livekit), so answering-machine screening works without the
[voice] extra. Both detectors take mono 16-bit PCM at any rate in chunks of any size and work in
hops of `HOP_SECONDS`:

- `SpeechGate`: a hop is voiced when its level is `margin_db` over the line's noise floor (which
  follows the quietest recent hops) and over an absolute floor. Voice needs `min_speech` to
  start a segment and ends after `hangover` of quiet, so clicks and breaths between words do not
  split or make speech.
- `ToneDetector`: a hop is tonal when one narrow band holds nearly all the energy in the voice
  band at 400 Hz or above; tonal hops at one steady pitch for `min_tone` make a beep. Voice
  spreads its energy over many harmonics and glides in pitch, so it does not qualify.

`LineListener` runs both and keeps the observations for `domain.answering_machine.classify`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from switchboard.domain.answering_machine import Beep, Observation, Speech, Words

HOP_SECONDS = 0.02
_FULL_SCALE = 32768.0
_BAND = (250.0, 3500.0)  # what a phone line carries: purity is measured against all of it
_BEEP_HZ = (400.0, 3400.0)  # where beeps are (440 Hz and up); a voice's low harmonics are below
_FFT_POINTS = 2048  # zero-padded: ~4 Hz per bin at 8 kHz, ~8 Hz at 16 kHz


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dB relative to full scale (-120 for silence)."""
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    return 20.0 * math.log10(max(rms / _FULL_SCALE, 1e-6))


@dataclass(frozen=True, slots=True)
class GateOptions:
    margin_db: float = 12.0  # over the noise floor
    absolute_dbfs: float = -48.0  # never voice below this, whatever the floor
    floor_rise_db: float = 3.0  # per second: how fast the floor climbs after a louder line
    min_speech: float = 0.12
    hangover: float = 0.3


class SpeechGate:
    """Voice/silence segmentation by energy over a tracked noise floor."""

    def __init__(self, options: GateOptions = GateOptions()) -> None:
        self.options = options
        self.floor_db: float | None = None
        self.segments: list[Speech] = []
        self._voiced_since: float | None = None  # first voiced hop of the current run
        self._last_voiced: float | None = None  # end of the last voiced hop
        self._open = False  # a segment is open (started, not ended)

    def voiced(self, db: float) -> bool:
        """Whether a hop at `db` counts as voice, updating the noise floor."""
        opts = self.options
        rise = opts.floor_rise_db * HOP_SECONDS
        self.floor_db = db if self.floor_db is None else min(db, self.floor_db + rise)
        return db >= max(self.floor_db + opts.margin_db, opts.absolute_dbfs)

    def hop(self, start: float, db: float) -> None:
        """Feed one hop starting at `start` seconds with level `db`."""
        end = start + HOP_SECONDS
        opts = self.options
        if self.voiced(db):
            if self._voiced_since is None:
                self._voiced_since = start
            self._last_voiced = end
            if not self._open and end - self._voiced_since >= opts.min_speech:
                self._open = True
                self.segments.append(Speech(self._voiced_since))
            return
        if self._last_voiced is None or end - self._last_voiced < opts.hangover:
            return
        if self._open:
            self.segments[-1] = Speech(self.segments[-1].start, self._last_voiced)
        self._open = False
        self._voiced_since = self._last_voiced = None


@dataclass(frozen=True, slots=True)
class ToneOptions:
    purity: float = 0.8  # share of the band's energy within a few bins of the peak
    min_tone: float = 0.2  # seconds of one steady pitch
    drift_hz: float = 20.0  # how far the pitch may wander within one beep
    min_dbfs: float = -45.0


class ToneDetector:
    """Steady single-frequency tones (voicemail beeps) over hops of `HOP_SECONDS`."""

    def __init__(self, sample_rate: int, options: ToneOptions = ToneOptions()) -> None:
        self.sample_rate, self.options = sample_rate, options
        self.beeps: list[Beep] = []
        self._run: list[float] = []  # pitches of the current run of tonal hops
        self._run_start = 0.0
        self._reported = False
        freqs = np.fft.rfftfreq(_FFT_POINTS, d=1.0 / sample_rate)
        self._band = (freqs >= _BAND[0]) & (freqs <= min(_BAND[1], sample_rate / 2 - 1))
        self._freqs = freqs
        self._spread = max(2, round(60.0 / (sample_rate / _FFT_POINTS)))  # ±60 Hz of main lobe

    def pitch(self, window: np.ndarray) -> float | None:
        """The frequency of `window` when it is a pure tone, else None."""
        if window.size < 8 or level_dbfs(window) < self.options.min_dbfs:
            return None
        x = window.astype(np.float64) * np.hanning(window.size)
        power = np.abs(np.fft.rfft(x, n=_FFT_POINTS)) ** 2
        band = np.where(self._band, power, 0.0)
        total = float(band.sum())
        if total <= 0.0:
            return None
        peak = int(np.argmax(band))
        if not _BEEP_HZ[0] <= self._freqs[peak] <= _BEEP_HZ[1]:
            return None
        lobe = float(band[max(0, peak - self._spread) : peak + self._spread + 1].sum())
        if lobe / total < self.options.purity:
            return None
        return float(self._freqs[peak])

    def hop(self, start: float, window: np.ndarray) -> None:
        """Feed the analysis window that ends with the hop starting at `start`."""
        hz = self.pitch(window)
        opts = self.options
        if hz is None or (self._run and abs(hz - self._run[0]) > opts.drift_hz):
            self._run, self._reported = [], False
        if hz is None:
            return
        if not self._run:
            self._run_start = start
        self._run.append(hz)
        length = start + HOP_SECONDS - self._run_start
        if not self._reported and length >= opts.min_tone:
            self._reported = True
            self.beeps.append(Beep(self._run_start, float(np.median(self._run)), length))


class LineListener:
    """Everything heard on one answered leg, as observations timed from the answer."""

    def __init__(
        self,
        sample_rate: int,
        *,
        gate: GateOptions = GateOptions(),
        tone: ToneOptions = ToneOptions(),
    ) -> None:
        if sample_rate < 8000:
            raise ValueError(f"sample rate {sample_rate} Hz is below telephone audio")
        self.sample_rate = sample_rate
        self.gate = SpeechGate(gate)
        self.tones = ToneDetector(sample_rate, tone)
        self.words: list[Words] = []
        self._hop = round(sample_rate * HOP_SECONDS)
        self._pending = np.zeros(0, dtype=np.int16)
        self._previous = np.zeros(0, dtype=np.int16)
        self._hops = 0

    @property
    def now(self) -> float:
        """Seconds of audio heard so far."""
        return self._hops * HOP_SECONDS

    def push(self, samples: np.ndarray) -> None:
        """Feed mono int16 samples; whole hops are analysed, the rest waits for more."""
        pending = np.concatenate([self._pending, samples.astype(np.int16, copy=False)])
        whole = pending.size - pending.size % self._hop
        for i in range(0, whole, self._hop):
            hop = pending[i : i + self._hop]
            start = self.now
            self.gate.hop(start, level_dbfs(hop))
            self.tones.hop(start, np.concatenate([self._previous, hop]))
            self._previous = hop
            self._hops += 1
        self._pending = pending[whole:]

    def hear_words(self, text: str) -> None:
        """A transcript arrived now."""
        if text.strip():
            self.words.append(Words(self.now, text.strip()))

    def observations(self) -> list[Observation]:
        return [*self.gate.segments, *self.tones.beeps, *self.words]
