"""One member's leg of a ring group: a warm-transfer attempt without a hold of its own.

The group holds the caller once for every leg. A leg checks the group's claim twice: when its
employee answers (someone else already accepted: "already taken", hang up, never briefed) and
when its employee accepts (only the first acceptance wins; the others are told the same).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import Employee
from switchboard.domain.routing.words import TO_EMPLOYEE_ALREADY_TAKEN
from switchboard.domain.transfer import TransferState, WarmTransfer
from switchboard.domain.transfer.commands import (
    SayToCaller,
    StartHold,
    StopHold,
    TransferCommand,
)
from switchboard.domain.transfer.events import (
    Begin,
    CallerHungUp,
    DialAnswered,
    EmployeeDecision,
    EmployeeReplied,
    HoldStarted,
    TransferEvent,
)
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.telephony import Telephony
from switchboard.services.transfer.attempt import Attempt

log = get_logger(__name__)


class GroupClaim:
    """Who won the call. `take` is atomic on the event loop (no await inside): the first caller
    wins and `on_win` cancels every other leg before any other task runs."""

    def __init__(self, on_win: Callable[[str], None]) -> None:
        self.winner: str | None = None
        self.closed = False  # the group is ending (caller gone): nobody may win any more
        self._on_win = on_win

    def take(self, employee_id: str) -> bool:
        if self.closed:
            return False
        if self.winner is not None:
            return self.winner == employee_id
        self.winner = employee_id
        self._on_win(employee_id)
        return True


class RingGroupLeg(Attempt):
    """One leg; the group runs `run()` then `sweep()`, exactly like a lone Attempt."""

    def __init__(
        self,
        telephony: Telephony,
        clock: Clock,
        call: CallContext,
        employee: Employee,
        machine: WarmTransfer,
        tasks: asyncio.TaskGroup,
        *,
        claim: GroupClaim,
        stop_hold: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(telephony, clock, call, employee, machine, tasks)
        self.claim = claim
        self._stop_group_hold = stop_hold
        self.taken_elsewhere = False
        self._stop_event: TransferEvent | None = None  # set once by stop(); None: taken
        self._stopping = asyncio.Event()

    def stop(self, event: TransferEvent | None) -> None:
        """End this leg from outside, cooperatively (never by cancelling it, so its clean-up is
        never cut short): `event` (CallerHungUp, CallerAskedForMessage) goes to its machine, which
        says the right words to the employee; None means a colleague took the call."""
        if not self._stopping.is_set():
            self._stop_event = event
            self._stopping.set()

    def caller_left(self) -> None:
        """The winner's caller left: its machine decides, in order with the merge's own result
        (a REFER takes the caller out of the room on purpose; livekit adapter waits for it)."""
        self._post(CallerHungUp())

    async def run(self) -> TransferResult:
        if self._stopping.is_set():
            return self._stopped_before_dialling()
        self.machine.handle(Begin())  # the group already announced the hold and started it
        commands = self.machine.handle(HoldStarted())
        while True:
            for command in commands:
                await self._execute(command)
            if self.machine.result is not None:
                return self.machine.result
            event = await self._next_event()
            if event is None:  # stopped from outside
                if self._stop_event is None:
                    answered = self.machine.state is TransferState.CONSULTING
                    return await self._already_taken(answered=answered)
                event = self._stop_event
            elif (isinstance(event, DialAnswered) and self.claim.winner is not None) or (
                isinstance(event, EmployeeReplied)
                and event.decision is EmployeeDecision.ACCEPT
                and not self.claim.take(self.employee.id)
            ):
                return await self._already_taken(answered=True)
            commands = self.machine.handle(event)

    async def _next_event(self) -> TransferEvent | None:
        """The next event from the line, or None once `stop()` was called."""
        if self._stopping.is_set():
            return None
        get = asyncio.ensure_future(self._events.get())
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({get, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not get.done():
                get.cancel()
        return get.result() if get.done() and not get.cancelled() else None

    def _stopped_before_dialling(self) -> TransferResult:
        event = self._stop_event
        outcome = TransferOutcome.NO_ANSWER if event is None else TransferOutcome.CALLER_HUNG_UP
        return TransferResult(outcome, self.employee.id, detail="not dialled: group ended")

    async def _execute(self, command: TransferCommand) -> None:
        if isinstance(command, StartHold):
            return  # the group's hold
        if isinstance(command, StopHold):
            await self._stop_group_hold()  # only the winner merges, so only it stops the hold
            return
        if isinstance(command, SayToCaller) and self.claim.winner != self.employee.id:
            return  # only the winner speaks to the caller (the group words everything else)
        await super()._execute(command)

    async def _already_taken(self, *, answered: bool) -> TransferResult:
        self.taken_elsewhere = True
        log.info("ring_group.leg_already_taken", employee_id=self.employee.id, answered=answered)
        if answered and self.employee_room is not None:
            await self._quietly(
                "say_to_employee",
                self.tel.say(self.employee_room, self.identity, TO_EMPLOYEE_ALREADY_TAKEN),
            )
        # sweep() hangs the leg up and deletes its room: the machine never reached an outcome.
        # An employee who answered is told; one still ringing just stops ringing.
        return TransferResult(TransferOutcome.NO_ANSWER, self.employee.id, detail="already taken")
