"""The warm transfer as a pure state machine: events in, commands out, one typed outcome at the end.

    IDLE ─Begin→ HOLDING ─HoldStarted→ RINGING ─DialAnswered→ CONSULTING ─accept→ MERGING ─ok→ DONE
                                         │ busy/no_answer/          │ decline/message/timeout/   │ failed
                                         │ voicemail/failed         │ hang-up                    │
                                         └──────────────────────────┴──────────→ DONE ←──────────┘

`CallerHungUp` ends the attempt from any live state; `CheckinDue` and `CallerAskedForMessage` apply
while the caller holds. Whatever ends the attempt, the commands returned clean up every leg, room and
hold track the machine knows to be live, so the coordinator never has to guess. Events that do not
apply in the current state (late or duplicate results from a racing phone line) are ignored and
kept in `ignored`; they never change state.
"""

from __future__ import annotations

from enum import StrEnum

from switchboard.domain.calls import TransferOutcome, TransferResult
from switchboard.domain.transfer import commands as cmd
from switchboard.domain.transfer import events as ev
from switchboard.domain.transfer import words

Commands = tuple[cmd.TransferCommand, ...]


class TransferState(StrEnum):
    IDLE = "idle"
    HOLDING = "holding"
    RINGING = "ringing"
    CONSULTING = "consulting"
    MERGING = "merging"
    DONE = "done"


_CALLER_WAITING = frozenset(
    {TransferState.HOLDING, TransferState.RINGING, TransferState.CONSULTING}
)


class WarmTransfer:
    """One transfer attempt. Feed it events with `handle`; run the commands it returns in order."""

    def __init__(self, request: ev.TransferRequest) -> None:
        self.request = request
        self.state = TransferState.IDLE
        self.result: TransferResult | None = None
        self.ignored: list[ev.TransferEvent] = []
        self._reprompts_left = request.reprompts
        # What is live on the line, so that every ending cleans up exactly that.
        self._hold = self._room = self._employee = False

    @property
    def done(self) -> bool:
        return self.state is TransferState.DONE

    def handle(self, event: ev.TransferEvent) -> Commands:
        """Apply `event`; returns the commands to run (empty when the event does not apply)."""
        state, req = self.state, self.request
        if state is TransferState.DONE:
            return self._ignore(event)
        if isinstance(event, ev.CallerHungUp) and state is not TransferState.IDLE:
            return self._finish(TransferOutcome.CALLER_HUNG_UP, caller_gone=True)
        if state in _CALLER_WAITING:
            if isinstance(event, ev.CheckinDue):
                return (cmd.SayToCaller(words.checkin(req.employee_name)),)
            if isinstance(event, ev.CallerAskedForMessage):
                return self._finish(
                    TransferOutcome.MESSAGE_REQUESTED,
                    detail="caller asked for a message",
                    to_employee=words.TO_EMPLOYEE_NEVER_MIND,
                    to_caller=words.to_caller_take_message(req.employee_name),
                )
        match state, event:
            case TransferState.IDLE, ev.Begin():
                self.state, self._hold = TransferState.HOLDING, True
                return (cmd.SayToCaller(words.hold_intro(req.employee_name)), cmd.StartHold())
            case TransferState.HOLDING, ev.HoldStarted():
                self.state, self._room, self._employee = TransferState.RINGING, True, True
                return (cmd.CreateConsultationRoom(), cmd.Dial(req.ring_timeout))
            case TransferState.RINGING, ev.DialAnswered():
                self.state = TransferState.CONSULTING
                brief = words.briefing(
                    req.employee_name, req.caller_name, req.reason, req.caller_number
                )
                return (cmd.SayToEmployee(brief), cmd.ListenToEmployee(req.decision_timeout))
            case TransferState.RINGING | TransferState.CONSULTING, ev.DialRejected():
                # Usually the leg is already gone; hanging it up anyway also covers a dial that
                # our own ring guard gave up on while the network kept it ringing.
                return self._finish(event.outcome, sip_status=event.sip_status)
            case TransferState.CONSULTING, ev.EmployeeReplied():
                return self._decided(event.decision)
            case TransferState.CONSULTING, ev.ReplyTimedOut():
                return self._decided(None)
            case TransferState.CONSULTING, ev.EmployeeHungUp():
                self._employee = False
                return self._finish(TransferOutcome.DECLINED, detail="employee hung up")
            case TransferState.MERGING, ev.MergeSucceeded():
                # The employee's leg now belongs to the caller's call: not ours to hang up.
                self._employee = False
                return self._finish(TransferOutcome.CONNECTED)
            case TransferState.MERGING, ev.MergeFailed():
                return self._finish(
                    TransferOutcome.FAILED,
                    sip_status=event.sip_status,
                    detail="merge failed",
                    to_employee=words.TO_EMPLOYEE_MERGE_FAILED,
                )
        return self._ignore(event)

    def _decided(self, decision: ev.EmployeeDecision | None) -> Commands:
        if decision is ev.EmployeeDecision.ACCEPT:
            return self._merge()
        if decision is ev.EmployeeDecision.DECLINE:
            return self._finish(TransferOutcome.DECLINED, to_employee=words.TO_EMPLOYEE_DECLINED)
        if decision is ev.EmployeeDecision.MESSAGE:
            return self._finish(
                TransferOutcome.MESSAGE_REQUESTED, to_employee=words.TO_EMPLOYEE_MESSAGE
            )
        if self._reprompts_left > 0:
            self._reprompts_left -= 1
            return (
                cmd.SayToEmployee(words.REPROMPT),
                cmd.ListenToEmployee(self.request.decision_timeout),
            )
        return self._finish(
            TransferOutcome.NO_ANSWER,
            detail="no decision",
            to_employee=words.TO_EMPLOYEE_DECLINED,
        )

    def _merge(self) -> Commands:
        req = self.request
        self.state, self._hold = TransferState.MERGING, False
        tell = cmd.SayToEmployee(words.to_employee_connecting(req.merge))
        announce = cmd.SayToCaller(words.to_caller_connecting(req.employee_name))
        merge = cmd.Merge(req.merge)
        if req.merge is ev.MergeStrategy.REFER:
            # The caller is sent to the employee's own phone: the consultation leg must be free.
            self._employee = self._room = False
            return (
                tell,
                cmd.HangUpEmployee(),
                cmd.DeleteConsultationRoom(),
                cmd.StopHold(),
                announce,
                merge,
            )
        return (tell, cmd.StopHold(), announce, merge)

    def _finish(
        self,
        outcome: TransferOutcome,
        *,
        sip_status: int | None = None,
        detail: str = "",
        to_employee: str | None = None,
        to_caller: str | None = None,
        caller_gone: bool = False,
    ) -> Commands:
        commands: list[cmd.TransferCommand] = []
        if caller_gone and self._employee and self.state is not TransferState.RINGING:
            to_employee = words.TO_EMPLOYEE_CALLER_LEFT
        if to_employee and self._employee and self.state is not TransferState.RINGING:
            commands.append(cmd.SayToEmployee(to_employee))
        if self._employee:
            commands.append(cmd.HangUpEmployee())
        if self._room:
            commands.append(cmd.DeleteConsultationRoom())
        if self._hold:
            commands.append(cmd.StopHold())
        announce = self.request.announce_outcome or to_caller is not None
        if announce and not caller_gone and outcome is not TransferOutcome.CONNECTED:
            text = to_caller or words.to_caller_after(outcome, self.request.employee_name)
            commands.append(cmd.SayToCaller(text))
        self.state = TransferState.DONE
        self._hold = self._room = self._employee = False
        self.result = TransferResult(outcome, self.request.employee_id, sip_status, detail)
        return tuple(commands)

    def _ignore(self, event: ev.TransferEvent) -> Commands:
        self.ignored.append(event)
        return ()
