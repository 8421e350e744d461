"""Call quality arithmetic: loss from cumulative counters (with restarts), jitter and round trip in
milliseconds, and nothing invented when the stats say nothing."""

from __future__ import annotations

import math

import pytest

from switchboard.domain.call_quality import CallQuality, QualityTally, StatsReading


def tally(*readings: StatsReading) -> CallQuality:
    t = QualityTally()
    for r in readings:
        t.add(r)
    return t.result()


def test_loss_comes_from_the_last_cumulative_reading() -> None:
    q = tally(StatsReading(100, 0), StatsReading(480, 12), StatsReading(970, 30))
    assert (q.packets_received, q.packets_lost) == (970, 30)
    assert q.packet_loss_percent == pytest.approx(3.0)


def test_a_counter_reset_banks_the_finished_segment() -> None:
    # 500 received / 10 lost, then the stream restarts (new SSRC) and counts 200 / 5 more
    q = tally(StatsReading(500, 10), StatsReading(120, 2), StatsReading(200, 5))
    assert (q.packets_received, q.packets_lost) == (700, 15)
    assert q.packet_loss_percent == pytest.approx(100 * 15 / 715)


def test_late_packets_lower_the_lost_count_without_a_restart() -> None:
    q = tally(StatsReading(300, 9), StatsReading(400, 7))
    assert (q.packets_received, q.packets_lost) == (400, 7)


def test_negative_lost_counts_duplicates_and_is_clamped() -> None:
    q = tally(StatsReading(50, -3))
    assert q.packets_lost == 0
    assert q.packet_loss_percent == 0.0


def test_zero_packets_means_no_loss_figure() -> None:
    q = tally(StatsReading(0, 0))
    assert q.packets_received == 0
    assert q.packet_loss_percent is None


def test_jitter_and_round_trip_in_milliseconds_mean_and_max() -> None:
    q = tally(
        StatsReading(10, 0, jitter_seconds=0.010, round_trip_seconds=0.080),
        StatsReading(20, 0, jitter_seconds=0.030, round_trip_seconds=None),
        StatsReading(30, 0, jitter_seconds=None, round_trip_seconds=0.120),
    )
    assert q.jitter_ms_mean == pytest.approx(20.0)
    assert q.jitter_ms_max == pytest.approx(30.0)
    assert q.round_trip_ms_mean == pytest.approx(100.0)
    assert q.round_trip_ms_max == pytest.approx(120.0)


def test_nan_and_negative_readings_are_not_measurements() -> None:
    q = tally(StatsReading(jitter_seconds=math.nan, round_trip_seconds=-1.0))
    assert q.jitter_ms_mean is None
    assert q.round_trip_ms_mean is None


def test_missing_fields_give_an_empty_quality_not_zeroes() -> None:
    t = QualityTally()
    t.add(StatsReading())
    q = t.result()
    assert t.readings == 1
    assert q == CallQuality()
    assert q.is_empty
    assert q.packet_loss_percent is None


def test_lost_unknown_keeps_received_and_no_loss_figure() -> None:
    q = tally(StatsReading(packets_received=250))
    assert q.packets_received == 250
    assert q.packets_lost is None
    assert q.packet_loss_percent is None
    assert not q.is_empty


def test_no_readings_at_all() -> None:
    assert QualityTally().result().is_empty
