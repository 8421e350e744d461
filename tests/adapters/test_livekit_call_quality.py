"""Reading the caller's audio quality from livekit-rtc's stats: real `RtcStats` protobufs (built
from the SDK's proto classes, and round-tripped through the wire format where complete), the
caller's track picked among several, missing and not-yet-measured fields, and a sampler that
never outlives the call."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from livekit import rtc
from livekit.rtc._proto import stats_pb2 as pb

from switchboard.adapters.livekit.call_quality import CallQualitySampler, caller_reading
from switchboard.domain.call_quality import StatsReading

CALLER_TRACK = "TR_caller"


def data(name: str) -> pb.RtcStatsData:
    return pb.RtcStatsData(id=name, timestamp=1_733_580_000_000)


def inbound(
    track: str,
    kind: str = "audio",
    *,
    received: int = 0,
    lost: int = 0,
    jitter: float = 0.0,
) -> pb.RtcStats:
    """A complete inbound-rtp entry: every required field set, as the FFI delivers it."""
    return pb.RtcStats(
        inbound_rtp=pb.RtcStats.InboundRtp(
            rtc=data(f"IT-{track}"),
            stream=pb.RtpStreamStats(ssrc=1234, kind=kind, transport_id="T01", codec_id="C1"),
            received=pb.ReceivedRtpStreamStats(
                packets_received=received, packets_lost=lost, jitter=jitter
            ),
            inbound=complete(pb.InboundRtpStreamStats, track_identifier=track, mid="1"),
        )
    )


def complete(message_type: Any, **values: Any) -> Any:
    """A message with every required field given (zero unless in `values`)."""
    message = message_type()
    for f in message_type.DESCRIPTOR.fields:
        if f.name in values:
            setattr(message, f.name, values[f.name])
        elif f.type == f.TYPE_STRING:
            setattr(message, f.name, "")
        elif f.type == f.TYPE_BOOL:
            setattr(message, f.name, False)
        elif f.type in (f.TYPE_DOUBLE, f.TYPE_FLOAT):
            setattr(message, f.name, 0.0)
        else:
            setattr(message, f.name, 0)
    return message


def pair(rtt: float, *, nominated: bool = True, state: int = pb.PAIR_SUCCEEDED) -> pb.RtcStats:
    return pb.RtcStats(
        candidate_pair=pb.RtcStats.CandidatePair(
            rtc=data("CP1"),
            candidate_pair=complete(
                pb.CandidatePairStats, current_round_trip_time=rtt, nominated=nominated, state=state
            ),
        )
    )


def wire(stats: list[pb.RtcStats]) -> list[pb.RtcStats]:
    """Through the wire format and back: proves the entries are what the FFI could deliver."""
    out = []
    for s in stats:
        parsed = pb.RtcStats()
        parsed.ParseFromString(s.SerializeToString())
        out.append(parsed)
    return out


def test_the_callers_track_is_read_among_others() -> None:
    stats = rtc.RtcStats(
        publisher_stats=[],
        subscriber_stats=wire(
            [
                inbound("TR_other", received=10, lost=5, jitter=0.5),
                inbound("TR_video", kind="video", received=99),
                inbound(CALLER_TRACK, received=4_900, lost=100, jitter=0.012),
                pair(0.041),
            ]
        ),
    )
    assert caller_reading(stats, CALLER_TRACK) == StatsReading(4_900, 100, 0.012, 0.041)


def test_without_the_track_sid_a_single_audio_stream_is_taken() -> None:
    stats = rtc.RtcStats([], wire([inbound("TR_x", received=50, lost=1, jitter=0.003)]))
    assert caller_reading(stats, None) == StatsReading(50, 1, 0.003, None)


def test_several_unmatched_audio_streams_give_no_reading_rather_than_a_guess() -> None:
    stats = rtc.RtcStats([], wire([inbound("TR_a", received=5), inbound("TR_b", received=6)]))
    assert caller_reading(stats, "TR_gone") == StatsReading()


def test_unmeasured_values_are_not_readings() -> None:
    # before the first packet and the first STUN answer libwebrtc reports zeros
    stats = rtc.RtcStats([], wire([inbound(CALLER_TRACK), pair(0.0)]))
    assert caller_reading(stats, CALLER_TRACK) == StatsReading(0, 0, None, None)


def test_missing_fields_are_not_zeroes() -> None:
    # messages as a future SDK might send them: sub-messages and fields left out
    no_received = pb.RtcStats(
        inbound_rtp=pb.RtcStats.InboundRtp(
            stream=pb.RtpStreamStats(kind="audio"),
            inbound=pb.InboundRtpStreamStats(track_identifier=CALLER_TRACK),
        )
    )
    assert caller_reading(rtc.RtcStats([], [no_received]), CALLER_TRACK) == StatsReading()
    lost_missing = pb.RtcStats(
        inbound_rtp=pb.RtcStats.InboundRtp(
            received=pb.ReceivedRtpStreamStats(packets_received=70),
            inbound=pb.InboundRtpStreamStats(track_identifier=CALLER_TRACK),
        )
    )
    pair_without_rtt = pb.RtcStats(
        candidate_pair=pb.RtcStats.CandidatePair(
            candidate_pair=pb.CandidatePairStats(nominated=True)
        )
    )
    reading = caller_reading(rtc.RtcStats([], [lost_missing, pair_without_rtt]), CALLER_TRACK)
    assert reading == StatsReading(packets_received=70)


def test_round_trip_falls_back_to_a_succeeded_pair_then_the_publishers_report() -> None:
    not_nominated = rtc.RtcStats([], wire([pair(0.020, nominated=False)]))
    assert caller_reading(not_nominated, None).round_trip_seconds == 0.020
    failed = pair(0.5, nominated=False, state=pb.PAIR_FAILED)
    remote = pb.RtcStats(
        remote_inbound_rtp=pb.RtcStats.RemoteInboundRtp(
            rtc=data("RI1"),
            stream=pb.RtpStreamStats(ssrc=9, kind="audio", transport_id="T", codec_id="C"),
            received=pb.ReceivedRtpStreamStats(packets_received=1, packets_lost=0, jitter=0.0),
            remote_inbound=complete(pb.RemoteInboundRtpStreamStats, round_trip_time=0.066),
        )
    )
    stats = rtc.RtcStats(publisher_stats=wire([remote]), subscriber_stats=wire([failed]))
    assert caller_reading(stats, None).round_trip_seconds == 0.066


@dataclass
class Publication:
    kind: int


@dataclass
class Participant:
    track_publications: dict[str, Publication]


@dataclass
class FakeRoom:
    """`get_rtc_stats` as livekit-rtc's: RuntimeError when the room is not connected
    (`room.py:613-614`); each answer is the next of `answers`, the last one repeated."""

    answers: list[rtc.RtcStats | BaseException]
    connected: bool = True
    hang: bool = False
    asked: int = 0
    remote_participants: dict[str, Participant] = field(default_factory=dict)
    _asked: asyncio.Event = field(default_factory=asyncio.Event)

    async def until_asked(self, times: int) -> None:
        async def asked() -> None:
            while self.asked < times:
                self._asked.clear()
                await self._asked.wait()

        await asyncio.wait_for(asked(), timeout=30)  # a broken sampler fails, never hangs

    async def get_rtc_stats(self) -> rtc.RtcStats:
        self.asked += 1
        self._asked.set()
        if not self.connected:
            raise RuntimeError("the room isn't connected")
        if self.hang:
            await asyncio.Event().wait()
        answer = self.answers[min(self.asked, len(self.answers)) - 1]
        if isinstance(answer, BaseException):
            raise answer
        return answer


def room_with(*answers: rtc.RtcStats | BaseException) -> FakeRoom:
    room = FakeRoom(list(answers))
    room.remote_participants["sip_caller"] = Participant(
        {CALLER_TRACK: Publication(rtc.TrackKind.KIND_AUDIO), "TR_v": Publication(2)}
    )
    return room


async def test_sampling_runs_while_the_call_does_and_reads_once_more_at_the_end() -> None:
    first = rtc.RtcStats([], wire([inbound(CALLER_TRACK, received=100, lost=0, jitter=0.01)]))
    later = rtc.RtcStats([], wire([inbound(CALLER_TRACK, received=300, lost=3, jitter=0.03)]))
    room = room_with(first, later)
    ticks: list[int] = []
    sampler = CallQualitySampler(
        room, "sip_caller", interval=0.001, on_tick=lambda: ticks.append(1)
    )
    async with sampler.running():
        await room.until_asked(2)
    asked = room.asked
    await asyncio.sleep(0.01)
    assert room.asked == asked  # nothing samples after the call
    assert ticks
    quality = sampler.result()
    assert (quality.packets_received, quality.packets_lost) == (300, 3)
    assert quality.jitter_ms_max == pytest.approx(30.0)


async def test_a_room_that_is_gone_or_a_stats_request_that_hangs_is_a_missed_reading() -> None:
    room = room_with(RuntimeError("ffi error"))
    room.connected = False
    sampler = CallQualitySampler(room, "sip_caller", timeout=0.01)
    await sampler.sample()
    room.connected, room.hang = True, True
    await sampler.sample()  # bounded by the timeout
    assert sampler.result().is_empty
    assert sampler.tally.readings == 0


async def test_a_broken_tick_does_not_stop_the_sampling() -> None:
    room = room_with(rtc.RtcStats([], wire([inbound(CALLER_TRACK, received=10)])))

    def broken() -> None:
        raise ValueError("psutil went away")

    async with CallQualitySampler(room, "sip_caller", interval=0.001, on_tick=broken).running():
        await room.until_asked(3)
