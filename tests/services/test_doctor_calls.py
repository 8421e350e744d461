"""Joining Twilio's call log with the call records kept here (`switchboard calls`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.services.diagnostics.calls import (
    MATCH_WINDOW,
    JoinedCall,
    TwilioCall,
    join_calls,
    record_call_sid,
)

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ANN, BOB = "+13125550101", "+13125550102"
DESK = "+15125550100"


def call(sid: str, caller: str, at: datetime, status: str = "completed") -> TwilioCall:
    return TwilioCall(sid, caller, DESK, status, "inbound", at, 60)


def record(call_id: str, caller: str | None, at: datetime, *events: CallEvent) -> CallRecord:
    return CallRecord(call_id=call_id, started_at=at, caller_number=caller, events=events)


def sid_event(sid: str, *, nested: bool = False) -> CallEvent:
    data = {"attributes": {"sip.twilio.callSid": sid}} if nested else {"sip.twilio.callSid": sid}
    return CallEvent(T0, "sip_joined", data)


def pairs(joined: list[JoinedCall]) -> list[tuple[str | None, str | None]]:
    return [
        (j.twilio.sid if j.twilio else None, j.record.call_id if j.record else None) for j in joined
    ]


def test_same_caller_within_the_window_is_joined() -> None:
    joined = join_calls([call("CA1", ANN, T0)], [record("r1", ANN, T0 + timedelta(seconds=4))])
    assert pairs(joined) == [("CA1", "r1")]


def test_outside_the_window_or_another_caller_stays_apart() -> None:
    late = record("late", ANN, T0 + MATCH_WINDOW + timedelta(seconds=1))
    other = record("other", BOB, T0)
    joined = join_calls([call("CA1", ANN, T0)], [late, other])
    assert ("CA1", None) in pairs(joined)
    assert (None, "late") in pairs(joined)
    assert (None, "other") in pairs(joined)


def test_the_nearest_record_wins_and_is_used_once() -> None:
    far = record("far", ANN, T0 + timedelta(seconds=90))
    near = record("near", ANN, T0 + timedelta(seconds=2))
    calls = [call("CA2", ANN, T0 + timedelta(seconds=100)), call("CA1", ANN, T0)]
    joined = join_calls(calls, [far, near])
    assert pairs(joined) == [("CA2", "far"), ("CA1", "near")]  # newest first


@pytest.mark.parametrize("nested", [False, True])
def test_the_twilio_call_sid_beats_number_and_time(nested: bool) -> None:
    # The record started long after and has no caller number, but names the SID.
    tagged = record("tagged", None, T0 + timedelta(hours=1), sid_event("CA9", nested=nested))
    decoy = record("decoy", ANN, T0)
    joined = join_calls([call("CA9", ANN, T0)], [decoy, tagged])
    assert ("CA9", "tagged") in pairs(joined)
    assert (None, "decoy") in pairs(joined)


def test_a_record_naming_another_sid_is_not_joined_by_number() -> None:
    tagged = record("tagged", ANN, T0, sid_event("CA_other"))
    assert pairs(join_calls([call("CA1", ANN, T0)], [tagged])) == [("CA1", None), (None, "tagged")]


def test_record_call_sid_reads_only_twilio_sids() -> None:
    assert record_call_sid(record("r", ANN, T0, sid_event("CA123"))) == "CA123"
    assert record_call_sid(record("r", ANN, T0, CallEvent(T0, "x", {"call_sid": "room-1"}))) is None
    assert record_call_sid(record("r", ANN, T0)) is None


def test_calls_without_a_start_time_are_listed_unjoined() -> None:
    undated = TwilioCall("CA1", ANN, DESK, "queued", "inbound", None, None)
    joined = join_calls([undated], [record("r1", ANN, T0)])
    assert sorted(pairs(joined), key=str) == sorted([("CA1", None), (None, "r1")], key=str)
