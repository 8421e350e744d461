"""Ringing a number for a dial or a transfer, and deciding how it ends.

Time is real time multiplied by `FakeState.time_scale`. The timer is livekit-sip's: it bounds the
INVITE transaction and, on expiry, CANCELs it (see `sip_calls`). Ringing stops early when the
participant leaves the room (a hang-up), and a `DialOutcome.manual()` number keeps ringing until
the test scripts another outcome for it, which then plays from that moment.
"""

from __future__ import annotations

import asyncio
import time

from livekit.protocol.sip import CreateSIPParticipantRequest, TransferSIPParticipantRequest

from switchboard.fakes.livekit.outcomes import DEFAULT_RINGING_TIMEOUT, DialOutcome
from switchboard.fakes.livekit.records import CallRecord
from switchboard.fakes.livekit.state import FakeState

_POLL = 0.01  # seconds between checks while ringing


def ringing_timeout(req: CreateSIPParticipantRequest | TransferSIPParticipantRequest) -> float:
    """The request's ringing timeout in seconds, or LiveKit's default of 30."""
    if req.HasField("ringing_timeout"):
        return req.ringing_timeout.ToTimedelta().total_seconds()
    return DEFAULT_RINGING_TIMEOUT


async def ring(
    state: FakeState, record: CallRecord, outcome: DialOutcome, ring_limit: float
) -> DialOutcome | None:
    """Ring `record.number`; the outcome in force when ringing ends, or None if they hung up."""
    started = time.monotonic()
    while True:
        if outcome.waits_for_script:
            current = state.outcome_for(record.number)
            if current is not outcome:
                outcome, started = current, time.monotonic()
        if state.participant(record.room, record.identity) is None:
            return None
        ends = started + outcome.ring_seconds(ring_limit) * state.time_scale
        remaining = ends - time.monotonic()
        if remaining <= 0:
            return outcome
        await asyncio.sleep(min(remaining, _POLL))


def final_status(outcome: DialOutcome, ring_limit: float) -> int | None:
    """200 if answered within the ringing timeout, the callee's SIP failure status, or None when
    LiveKit's ringing timer ended it (nobody sent a final status)."""
    if outcome.after is not None and outcome.after > ring_limit:
        return None  # the timer fires before the scripted answer or failure
    if outcome.answer and outcome.after is not None:
        return 200
    return None if outcome.answer else outcome.sip_status
