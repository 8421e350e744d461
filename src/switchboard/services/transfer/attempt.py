"""One warm-transfer attempt: runs the state machine's commands on the Telephony port.

Everything the phone line reports arrives as an event on one queue; the machine decides, this
class acts. Waiting work (the dial, the employee's reply, hang-up watchers, check-in timers) runs
in tasks of the coordinator's TaskGroup and is cancelled when the attempt ends; `sweep()` then
removes whatever is still live, whatever happened, so no leg, room or hold track outlives it.
"""

from __future__ import annotations

from switchboard.domain.calls import TransferOutcome, TransferResult
from switchboard.domain.transfer.commands import (
    CreateConsultationRoom,
    DeleteConsultationRoom,
    Dial,
    HangUpEmployee,
    ListenToEmployee,
    Merge,
    SayToCaller,
    SayToEmployee,
    StartHold,
    StopHold,
    TransferCommand,
)
from switchboard.domain.transfer.events import (
    Begin,
    DialRejected,
    HoldStarted,
    MergeFailed,
    MergeStrategy,
    MergeSucceeded,
)
from switchboard.logs import get_logger
from switchboard.ports.telephony import TelephonyError
from switchboard.services.transfer.background import AttemptBase

log = get_logger(__name__)


class Attempt(AttemptBase):
    """Runs one WarmTransfer to its end. Create one per attempt; call `run()` then `sweep()`."""

    async def run(self) -> TransferResult:
        """Drive the machine until it reaches an outcome; never raises for telephony failures."""
        self._spawn("caller_left", self._watch_caller())
        self._spawn("checkins", self._checkins())
        commands = self.machine.handle(Begin())
        while True:
            for command in commands:
                await self._execute(command)
            if "caller_reply" not in self._tasks:
                # Only after the hold announcement has played: what the caller said before it
                # (e.g. "I'm returning Dana's message") does not answer anything we asked.
                self._spawn("caller_reply", self._listen_to_caller())
            if self.machine.result is not None:
                return self.machine.result
            event = await self._events.get()
            before = self.machine.state
            commands = self.machine.handle(event)
            log.info(
                "transfer.event",
                name=type(event).__name__,
                state=before,
                next_state=self.machine.state,
                applied=bool(commands) or before != self.machine.state,
            )

    def stop_background(self) -> None:
        for task in self._tasks.values():
            task.cancel()

    async def sweep(self) -> None:
        """Remove whatever is still live from this attempt (a no-op after a clean ending)."""
        self.stop_background()
        if self.employee_room is not None and (
            self.machine.result is None
            or self.machine.result.outcome is not TransferOutcome.CONNECTED
        ):
            await self._quietly("hang_up", self.tel.hang_up(self.employee_room, self.identity))
        if self.room is not None:
            await self._quietly("delete_room", self.tel.delete_room(self.room))
        if self.hold:
            await self._quietly(
                "stop_hold", self.tel.stop_hold(self.call.room_name, self.call.caller_identity)
            )
        self.room = self.employee_room = None
        self.hold = False

    # --- commands -----------------------------------------------------------------------------

    async def _execute(self, command: TransferCommand) -> None:
        log.debug("transfer.command", command=type(command).__name__)
        call, tel = self.call, self.tel
        match command:
            case SayToCaller(text=text):
                await self._quietly(
                    "say_to_caller", tel.say(call.room_name, call.caller_identity, text)
                )
            case SayToEmployee(text=text) if self.employee_room is not None:
                await self._quietly(
                    "say_to_employee", tel.say(self.employee_room, self.identity, text)
                )
            case StartHold():
                self.hold = True
                await self._quietly(
                    "start_hold", tel.start_hold(call.room_name, call.caller_identity)
                )
                self._post(HoldStarted())  # without hold audio the caller waits in silence: go on
            case StopHold() if self.hold:
                self.hold = False
                await self._quietly(
                    "stop_hold", tel.stop_hold(call.room_name, call.caller_identity)
                )
            case CreateConsultationRoom():
                try:
                    self.room = await tel.create_consultation_room(call.room_name)
                except TelephonyError as exc:
                    log.warning("transfer.room_failed", sip_status=exc.sip_status, error=str(exc))
                    self._post(DialRejected(TransferOutcome.FAILED, exc.sip_status))
            case Dial(ring_timeout=timeout) if self.room is not None:
                self.employee_room = self.room
                self._spawn("dial", self._dial(self.room, timeout))
            case ListenToEmployee(timeout=timeout) if self.employee_room is not None:
                self._spawn("listen", self._listen(self.employee_room, timeout))
            case Merge(strategy=strategy):
                await self._merge(strategy)
            case HangUpEmployee():
                self._cancel("dial", "listen", "employee_left")
                if self.employee_room is not None:
                    await self._quietly("hang_up", tel.hang_up(self.employee_room, self.identity))
                    self.employee_room = None
            case DeleteConsultationRoom() if self.room is not None:
                await self._quietly("delete_room", tel.delete_room(self.room))
                self.room = None
            case _:
                log.debug("transfer.command_skipped", command=type(command).__name__)

    async def _merge(self, strategy: MergeStrategy) -> None:
        self._cancel("listen", "employee_left")
        try:
            if strategy is MergeStrategy.MOVE:
                if self.room is None:
                    raise TelephonyError("no consultation room to move the employee from")
                await self.tel.move_participant(self.identity, self.room, self.call.room_name)
                self.employee_room = self.call.room_name
            else:
                await self.tel.refer(
                    self.call.room_name, self.call.caller_identity, f"tel:{self.employee.phone}"
                )
        except TelephonyError as exc:
            log.warning(
                "transfer.merge_failed",
                strategy=strategy,
                sip_status=exc.sip_status,
                error=str(exc),
            )
            self._post(MergeFailed(exc.sip_status))
        else:
            self._post(MergeSucceeded())
