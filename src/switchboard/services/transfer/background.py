"""The waiting half of a transfer attempt: dial, listen, watch for hang-ups, tick check-ins.

Each runs as a named task in the coordinator's TaskGroup and reports only by posting an event on
the attempt's queue; none of them decides anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

from switchboard.domain.calls import CallContext, TransferOutcome
from switchboard.domain.directory import Employee
from switchboard.domain.transfer import WarmTransfer
from switchboard.domain.transfer.events import (
    CallerAskedForMessage,
    CallerHungUp,
    CheckinDue,
    DialAnswered,
    DialRejected,
    EmployeeDecision,
    EmployeeHungUp,
    EmployeeReplied,
    ReplyTimedOut,
    TransferEvent,
)
from switchboard.domain.transfer.words import parse_employee_decision
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.telephony import DialError, Telephony, TelephonyError

log = get_logger(__name__)
# How much longer than the ringing timeout we wait for a dial that does not come back by itself.
# It covers livekit-sip starting its ringing clock only once the SIP participant has joined the
# room (docs/livekit-telephony.md) and the voicemail screen that listens up to 6 s after a phone
# answered at the last moment (docs/voicemail-detection.md): a person is never cut off by it.
RING_GRACE_SECONDS = 12.0


class AttemptBase:
    """State shared by an attempt's commands and its background work."""

    def __init__(
        self,
        telephony: Telephony,
        clock: Clock,
        call: CallContext,
        employee: Employee,
        machine: WarmTransfer,
        tasks: asyncio.TaskGroup,
    ) -> None:
        self.tel, self.clock, self.call, self.employee = telephony, clock, call, employee
        self.machine = machine
        self.identity = f"employee-{employee.id}"
        self.room: str | None = None  # the consultation room, while it exists
        self.employee_room: str | None = None  # where the employee's leg is (ringing or live)
        self.hold = False
        self._events: asyncio.Queue[TransferEvent] = asyncio.Queue()
        self._group = tasks
        self._tasks: dict[str, asyncio.Task[None]] = {}

    # --- background work ----------------------------------------------------------------------

    async def _dial(self, room: str, ring_seconds: float) -> None:
        self._spawn(
            "ring_guard",
            self._after(ring_seconds + RING_GRACE_SECONDS, DialRejected(TransferOutcome.NO_ANSWER)),
        )
        try:
            await self.tel.dial(
                room,
                self.employee.phone,
                identity=self.identity,
                ringing_timeout=ring_seconds,
                caller_id=self.call.dialed_number,
            )
        except DialError as exc:
            self.employee_room = None
            self._post(DialRejected(TransferOutcome(exc.outcome.value), exc.sip_status))
        except TelephonyError as exc:
            self.employee_room = None
            self._post(DialRejected(TransferOutcome.FAILED, exc.sip_status))
        else:
            self._spawn("employee_left", self._watch(room, self.identity, EmployeeHungUp()))
            self._post(DialAnswered())
        finally:
            self._cancel("ring_guard")

    async def _listen(self, room: str, wait_seconds: float) -> None:
        try:
            reply = await self.tel.next_reply(room, self.identity, wait_seconds=wait_seconds)
        except TelephonyError:
            return  # the employee left: the employee_left watcher reports it
        if reply is None:
            self._post(ReplyTimedOut())
        else:
            self._post(EmployeeReplied(parse_employee_decision(reply.as_input())))

    async def _listen_to_caller(self) -> None:
        # The check-in offers a message instead of holding on: a caller who asks for one gets it.
        while True:
            try:
                reply = await self.tel.next_reply(
                    self.call.room_name, self.call.caller_identity, wait_seconds=3600.0
                )
            except TelephonyError:
                return
            if (
                reply is not None
                and parse_employee_decision(reply.as_input()) is EmployeeDecision.MESSAGE
            ):
                self._post(CallerAskedForMessage())

    async def _watch_caller(self) -> None:
        await self._watch(self.call.room_name, self.call.caller_identity, CallerHungUp())

    async def _watch(self, room: str, identity: str, event: TransferEvent) -> None:
        try:
            await self.tel.wait_until_left(room, identity)
        except TelephonyError as exc:
            log.warning("transfer.watch_failed", identity=identity, error=str(exc))
            return
        self._post(event)

    async def _checkins(self) -> None:
        while True:
            await self.clock.sleep(self.machine.request.checkin_seconds)
            self._post(CheckinDue())

    async def _after(self, seconds: float, event: TransferEvent) -> None:
        await self.clock.sleep(seconds)
        self._post(event)

    # --- plumbing -----------------------------------------------------------------------------

    def _post(self, event: TransferEvent) -> None:
        self._events.put_nowait(event)

    def _spawn(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        self._cancel(name)
        self._tasks[name] = self._group.create_task(work, name=f"transfer-{name}")

    def _cancel(self, *names: str) -> None:
        for name in names:
            task = self._tasks.pop(name, None)
            if task is not None and task is not asyncio.current_task():
                task.cancel()

    async def _quietly(self, what: str, action: Awaitable[None]) -> None:
        try:
            await action
        except TelephonyError as exc:
            log.warning(
                "transfer.telephony_error", action=what, sip_status=exc.sip_status, error=str(exc)
            )
