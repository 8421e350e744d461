"""One local call: the parts a real call has (built by the same `CallFactory` as on the LiveKit
worker: the agent's collaborators, its brain, the call record, durable messages), with the
warm-transfer coordinator on a simulated phone network and a simulated clock.

Shared by `switchboard call` (a person types as the caller) and `switchboard simulate` (scripted
callers); only `read_line` and the line listener differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from switchboard.adapters.simulator import (
    CallerScript,
    PacedClock,
    SimulatedClock,
    scripts_by_target,
)
from switchboard.adapters.simulator.voicemail_line import TextVoicemailRecorder
from switchboard.domain.directory import Directory
from switchboard.ports.voicemail import VoicemailRecorder
from switchboard.services.calendars import CalendarCache
from switchboard.services.calls import CallFactory
from switchboard.services.local_call.lines import CallLine, CallLines, LineSink
from switchboard.services.local_call.observed import ObservedNetwork
from switchboard.services.local_call.result import (
    LocalCallResult,
    collect_result,
    merge_live,
    orphans_in,
)
from switchboard.services.local_call.taps import LocalTaps
from switchboard.services.receptionist.text_chat import run_text_conversation

DEFAULT_CALLER = "+16125550177"  # a fictional caller ID (555-01xx is reserved for fiction)
ReadLine = Callable[[], Awaitable[str | None]]
# The call's voicemail recorder, from its caller lines and the tone to show: a typed line by
# default; the local voice call records the microphone (adapters/voice/local_voicemail.py).
VoicemailLine = Callable[[ReadLine, Callable[[], None]], VoicemailRecorder]


@dataclass(frozen=True, slots=True)
class LocalCallSpec:
    """Everything that makes one local call what it is.

    `employees` maps employee id → script (`{answer: true, decision: accept}`); an employee not
    listed lets the phone ring out. `hangup` is the caller's `{during: hold|ringing|consultation}`.
    The merge strategy, ring timeout, AI disclosure and region are the call factory's (settings).
    """

    directory: Directory
    start: datetime
    employees: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    caller_number: str | None = DEFAULT_CALLER
    hangup: Mapping[str, Any] | None = None
    company_number: str | None = None
    # 0: virtual time (a transfer takes no real time: scenarios, tests). Else real seconds per
    # simulated second, so a person on the line lives through the ringing and the hold.
    clock_scale: float = 0.0
    verstat: str | None = None  # X-Twilio-VerStat on the incoming call (screening)
    calendars: CalendarCache | None = None  # employees' busy times (None: the factory's)


async def run_local_call(
    spec: LocalCallSpec,
    calls: CallFactory,
    read_line: ReadLine,
    *,
    listener: LineSink | None = None,
    hang_up: asyncio.Event | None = None,
    voicemail: VoicemailLine = TextVoicemailRecorder,
) -> LocalCallResult:
    """Hold one call. `calls` is the application's call factory (`switchboard.bootstrap`), the
    one a real call uses: the brain, the transfer settings and the storage come from it.
    `read_line` gives the caller's next line (None: they hang up); `listener` sees every line as
    it happens; setting `hang_up` hangs the caller up at once, whatever is happening (on hold,
    while it rings, mid-sentence). `voicemail` records a department's after-hours voicemail. The call record and any message are saved in the factory's
    storage; nothing is left live on the simulated network afterwards."""
    directory, lines = spec.directory, CallLines(listener)
    clock = (
        PacedClock(spec.start, scale=spec.clock_scale)
        if spec.clock_scale > 0
        else SimulatedClock(spec.start)
    )
    network = ObservedNetwork(
        clock,
        scripts_by_target(directory.employees, spec.employees),
        names={e.phone: e.name for e in directory.employees},
        lines=lines,
    )
    placed = network.place_call(
        spec.caller_number, CallerScript.from_spec(spec.hangup), company_number=spec.company_number
    )
    # The network numbers calls from 1 in every run; records in a shared store need unique ids.
    call = replace(placed, call_id=f"local-{uuid.uuid4().hex[:12]}", verstat=spec.verstat)
    taps = LocalTaps(lines)
    parts = await calls.begin(
        call, clock=clock, directory=directory, taps=taps, calendars=spec.calendars
    )

    async def caller_line() -> str | None:
        if call.caller_identity not in network.rooms.get(call.room_name, {}):
            return None  # the caller already hung up (on hold, while it rang, ...)
        line = await read_line()
        if line is None:
            # The caller's leg leaves the network, which says so on screen once; the agent's
            # final hang-up then finds nobody left to hang up.
            network.leave(call.room_name, call.caller_identity)
        elif line.strip():
            lines.add(CallLine("caller", line))
        return line

    def tone() -> None:
        lines.add(CallLine("event", "Beep: the caller's next line is the voicemail", kind="tone"))

    # After hours, a department's `voicemail` takes the caller's next line as the recording.
    deps = parts.connect(network, voicemail=voicemail(caller_line, tone))

    async def hang_up_when_asked(event: asyncio.Event) -> None:
        await event.wait()
        if call.caller_identity in network.rooms.get(call.room_name, {}):
            network.leave(call.room_name, call.caller_identity)  # the network says so on screen

    watcher = asyncio.create_task(hang_up_when_asked(hang_up)) if hang_up is not None else None
    try:
        outcome = await run_text_conversation(
            deps, caller_line, _discard, brain=parts.brain, hours=parts.hours
        )
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    # Looked at before the final hang-up, which would sweep away an orphan hold in the call's room.
    orphans = orphans_in(await network.live_resources(), call.room_name)
    if call.room_name in network.rooms or any(h[0] == call.room_name for h in network.holds):
        await deps.calls.hang_up(call)  # the call ends for everyone once the agent is done
    await parts.finish(outcome=outcome)
    return await collect_result(
        call.call_id, outcome, deps.state.transferred_to, taps.attempts, network.dialed,
        taps.taken, calls.outbox, lines, merge_live(orphans, await network.live_resources()),
    )  # fmt: skip


def _discard(_line: str) -> None:
    # Agent lines reach the screen through the call record (in order with the phone network).
    return None
