"""Call quality: how well the caller's audio reached the agent (packet loss, jitter, round trip).

The agent reads its WebRTC statistics a few times during a call (`StatsReading`, cumulative
counters as RTP reports them) and folds them into a `QualityTally`; the call record keeps the
`CallQuality` it ends with. Pure arithmetic, no I/O:

- counters are cumulative since the stream started; when the received count goes backwards the
  stream was restarted (a new SSRC after a reconnection), so the finished segment is banked and
  counting starts again from the new values;
- RTP's cumulative lost count may fall (late packets) or be negative (duplicates, RFC 3550
  §6.4.1): the latest value of a segment stands, clamped to 0;
- a reading without a field contributes nothing to that field; no packets means no loss figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StatsReading:
    """One reading of the caller's inbound audio stream (None: the stats did not say)."""

    packets_received: int | None = None
    packets_lost: int | None = None
    jitter_seconds: float | None = None
    round_trip_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class CallQuality:
    """What the call record keeps: totals over the call and jitter / round trip in ms."""

    packets_received: int | None = None
    packets_lost: int | None = None
    jitter_ms_mean: float | None = None
    jitter_ms_max: float | None = None
    round_trip_ms_mean: float | None = None
    round_trip_ms_max: float | None = None

    @property
    def packet_loss_percent(self) -> float | None:
        """Lost / expected × 100, or None when no packet was expected (or counts are unknown)."""
        if self.packets_received is None or self.packets_lost is None:
            return None
        expected = self.packets_received + self.packets_lost
        return None if expected <= 0 else 100.0 * self.packets_lost / expected

    def summary(self) -> str:
        """E.g. "loss 0.3% jitter 4/18 ms rtt 41 ms" (jitter mean/max); "" when nothing was
        measured."""
        parts = []
        if (loss := self.packet_loss_percent) is not None:
            parts.append(f"loss {loss:.1f}%")
        if self.jitter_ms_mean is not None and self.jitter_ms_max is not None:
            parts.append(f"jitter {self.jitter_ms_mean:.0f}/{self.jitter_ms_max:.0f} ms")
        if self.round_trip_ms_mean is not None:
            parts.append(f"rtt {self.round_trip_ms_mean:.0f} ms")
        return " ".join(parts)

    @property
    def is_empty(self) -> bool:
        return all(
            v is None
            for v in (
                self.packets_received,
                self.packets_lost,
                self.jitter_ms_mean,
                self.round_trip_ms_mean,
            )
        )


def _ms(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return 1000.0 * sum(values) / len(values), 1000.0 * max(values)


def _usable(value: float | None) -> bool:
    # NaN and negative readings are not measurements (a stats field not yet computed)
    return value is not None and value == value and value >= 0


@dataclass
class QualityTally:
    """Folds readings into a `CallQuality`; counter resets and missing fields are handled here."""

    _banked_received: int = 0
    _banked_lost: int = 0
    _last_received: int | None = None
    _last_lost: int | None = None
    _jitter: list[float] = field(default_factory=list)
    _round_trip: list[float] = field(default_factory=list)

    readings: int = 0

    def add(self, reading: StatsReading) -> None:
        self.readings += 1
        received, lost = reading.packets_received, reading.packets_lost
        if received is not None and received >= 0:
            lost = max(lost, 0) if lost is not None else None
            restarted = self._last_received is not None and received < self._last_received
            if restarted:
                self._banked_received += self._last_received or 0
                self._banked_lost += self._last_lost or 0
            self._last_received = received
            if lost is not None:
                self._last_lost = lost
            elif restarted:
                self._last_lost = None
        if _usable(reading.jitter_seconds):
            self._jitter.append(reading.jitter_seconds)  # type: ignore[arg-type]
        if _usable(reading.round_trip_seconds):
            self._round_trip.append(reading.round_trip_seconds)  # type: ignore[arg-type]

    def result(self) -> CallQuality:
        received = lost = None
        if self._last_received is not None:
            received = self._banked_received + self._last_received
            if self._last_lost is not None or self._banked_lost:
                lost = self._banked_lost + (self._last_lost or 0)
        jitter_mean, jitter_max = _ms(self._jitter)
        rtt_mean, rtt_max = _ms(self._round_trip)
        return CallQuality(received, lost, jitter_mean, jitter_max, rtt_mean, rtt_max)
