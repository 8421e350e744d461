"""The caller's audio quality from livekit-rtc's WebRTC statistics, sampled during the call.

`rtc.Room.get_rtc_stats()` (livekit-rtc 1.1.21 `room.py:612-634`) returns the agent's two peer
connections' stats as `RtcStats` protobufs (`_proto/stats_pb2.pyi`): `subscriber_stats` (what
the agent receives) and `publisher_stats` (what it sends). We read:

- the caller's audio as received: the subscriber's `inbound_rtp` whose `stream.kind` is audio,
  preferably the one whose `inbound.track_identifier` (the WebRTC track id) is the caller's
  track sid. LiveKit's Go SDK reads a subscribed track's sid from that id, and from the msid
  stream id only for older servers that put `TR_…` there (server-sdk-go `room.go`, OnMediaTrack;
  read in a public copy, not checked against the server version we run). So with no match a
  single audio stream is taken, and several unmatched ones give nothing —
  `received.packets_received`, `received.packets_lost` (cumulative) and `received.jitter`
  (seconds, RFC 3550 interarrival jitter);
- the round trip: the subscriber's nominated (else succeeded) `candidate_pair`'s
  `current_round_trip_time` (seconds), else the publisher's audio `remote_inbound_rtp`
  `round_trip_time`.

The fields are proto2 `required`, so a message that crossed the FFI has them all; libwebrtc's
"not measured yet" then reads as 0 (a round trip of 0 before the first STUN answer, jitter 0 before
any packet). So a round trip of 0 is no reading, jitter counts only once packets arrived, and a
field absent from the message (`HasField`) is no reading either.
What this measures is the media path from LiveKit to the agent: the carrier's leg (Twilio to
LiveKit SIP) shows only as far as its losses reach the SFU's stream (not verified).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, Protocol

from google.protobuf.message import Message
from livekit import rtc
from livekit.rtc._proto import stats_pb2

from switchboard.domain.call_quality import CallQuality, QualityTally, StatsReading
from switchboard.logs import get_logger

log = get_logger(__name__)

SAMPLE_SECONDS = 10.0  # often enough to see a bad patch, rare enough to cost nothing
STATS_TIMEOUT = 5.0  # a stats request that does not answer is skipped, never waited on


class StatsRoom(Protocol):
    """What we use of `rtc.Room`."""

    @property
    def remote_participants(self) -> Mapping[str, Any]: ...

    async def get_rtc_stats(self) -> rtc.RtcStats: ...


def _get(message: Message, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None


def _audio_inbound(
    stats: Iterable[stats_pb2.RtcStats], track_sid: str | None
) -> stats_pb2.RtcStats.InboundRtp | None:
    audio = []
    for s in stats:
        if s.WhichOneof("stats") != "inbound_rtp":
            continue
        inbound = s.inbound_rtp
        if inbound.HasField("stream") and _get(inbound.stream, "kind") not in (None, "audio"):
            continue
        if track_sid and _get(inbound.inbound, "track_identifier") == track_sid:
            return inbound
        audio.append(inbound)
    return audio[0] if len(audio) == 1 else None


def _round_trip(stats: rtc.RtcStats) -> float | None:
    pairs = [
        s.candidate_pair.candidate_pair
        for s in stats.subscriber_stats
        if s.WhichOneof("stats") == "candidate_pair" and s.candidate_pair.HasField("candidate_pair")
    ]
    nominated = [p for p in pairs if _get(p, "nominated")]
    succeeded = [p for p in pairs if _get(p, "state") == stats_pb2.PAIR_SUCCEEDED]
    for pair in nominated + succeeded:
        if rtt := _get(pair, "current_round_trip_time"):
            return float(rtt)
    for s in stats.publisher_stats:
        if s.WhichOneof("stats") != "remote_inbound_rtp":
            continue
        remote = s.remote_inbound_rtp
        if remote.HasField("stream") and _get(remote.stream, "kind") not in (None, "audio"):
            continue
        if remote.HasField("remote_inbound") and (
            rtt := _get(remote.remote_inbound, "round_trip_time")
        ):
            return float(rtt)
    return None


def caller_reading(stats: rtc.RtcStats, track_sid: str | None) -> StatsReading:
    """One reading of the caller's audio from a `get_rtc_stats()` answer (empty if absent)."""
    inbound = _audio_inbound(stats.subscriber_stats, track_sid)
    received = inbound.received if inbound is not None and inbound.HasField("received") else None
    packets = _get(received, "packets_received") if received is not None else None
    return StatsReading(
        packets_received=packets,
        packets_lost=_get(received, "packets_lost") if received is not None else None,
        jitter_seconds=_get(received, "jitter") if received is not None and packets else None,
        round_trip_seconds=_round_trip(stats),
    )


def caller_audio_sid(room: StatsRoom, caller_identity: str) -> str | None:
    participant = room.remote_participants.get(caller_identity)
    if participant is None:
        return None
    for sid, publication in participant.track_publications.items():
        if publication.kind == rtc.TrackKind.KIND_AUDIO:
            return str(sid)
    return None


class CallQualitySampler:
    """Reads the caller's audio stats every `interval` seconds while `running()`, and once more
    as it stops; `result()` is the call's quality. Never raises: a room that is not connected
    or a stats request that fails or hangs is a missed reading, logged at debug."""

    def __init__(
        self,
        room: StatsRoom,
        caller_identity: str,
        *,
        interval: float = SAMPLE_SECONDS,
        timeout: float = STATS_TIMEOUT,
        on_tick: Callable[[], None] | None = None,
    ) -> None:
        self.room, self.caller_identity = room, caller_identity
        self.interval, self.timeout, self.on_tick = interval, timeout, on_tick
        self.tally = QualityTally()
        self._track_sid: str | None = None

    async def sample(self) -> None:
        self._track_sid = caller_audio_sid(self.room, self.caller_identity) or self._track_sid
        try:
            stats = await asyncio.wait_for(self.room.get_rtc_stats(), self.timeout)
        except Exception as exc:  # not connected, an FFI error (RuntimeError), no answer in time
            log.debug("call_quality.no_stats", error=str(exc) or type(exc).__name__)
            return
        self.tally.add(caller_reading(stats, self._track_sid))

    def result(self) -> CallQuality:
        return self.tally.result()

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.sample()
            if self.on_tick is not None:
                try:
                    self.on_tick()
                except Exception:  # a broken extra reading must not end the sampling
                    log.warning("call_quality.tick_failed", exc_info=True)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[CallQualitySampler]:
        """Sample in the background for as long as the block runs; the task is cancelled and
        awaited on the way out (nothing outlives the call), then a final reading is taken."""
        task = asyncio.create_task(self._every_interval(), name="call-quality")
        try:
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await self.sample()
