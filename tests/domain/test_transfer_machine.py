"""The warm-transfer state machine: every transition, every ending cleans up what is live."""

from __future__ import annotations

from dataclasses import replace

import pytest

from switchboard.domain.calls import TransferOutcome
from switchboard.domain.transfer import TransferState, WarmTransfer
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
    CallerAskedForMessage,
    CallerHungUp,
    CheckinDue,
    DialAnswered,
    DialRejected,
    EmployeeDecision,
    EmployeeHungUp,
    EmployeeReplied,
    HoldStarted,
    MergeFailed,
    MergeStrategy,
    MergeSucceeded,
    ReplyTimedOut,
    TransferEvent,
    TransferRequest,
)

PHONE = "+13125550112"


def request(merge: MergeStrategy = MergeStrategy.MOVE, reprompts: int = 1) -> TransferRequest:
    return TransferRequest(
        employee_id="priya-raman",
        employee_name="Priya Raman",
        target=PHONE,
        caller_name="Dana Whitfield",
        reason="an invoice",
        caller_number="+16125550177",
        merge=merge,
        ring_timeout=25.0,
        decision_timeout=15.0,
        reprompts=reprompts,
    )


def at(state: TransferState, merge: MergeStrategy = MergeStrategy.MOVE) -> WarmTransfer:
    """A machine driven along the happy path up to `state`."""
    path: list[TransferEvent] = [Begin(), HoldStarted(), DialAnswered()]
    path.append(EmployeeReplied(EmployeeDecision.ACCEPT))
    steps = [TransferState.HOLDING, TransferState.RINGING, TransferState.CONSULTING]
    steps.append(TransferState.MERGING)
    machine = WarmTransfer(request(merge))
    if state is TransferState.IDLE:
        return machine
    for event, reached in zip(path, steps, strict=True):
        machine.handle(event)
        if reached is state:
            return machine
    raise AssertionError(state)


def kinds(commands: tuple[TransferCommand, ...]) -> list[type]:
    return [type(c) for c in commands]


def spoken(commands: tuple[TransferCommand, ...], to: type) -> str:
    said = [c for c in commands if isinstance(c, SayToCaller | SayToEmployee) and type(c) is to]
    return " ".join(c.text for c in said)


def test_begin_tells_the_caller_and_starts_hold() -> None:
    machine = WarmTransfer(request())
    commands = machine.handle(Begin())
    assert kinds(commands) == [SayToCaller, StartHold]
    assert "Priya" in spoken(commands, SayToCaller)
    assert machine.state is TransferState.HOLDING


def test_hold_started_creates_the_room_then_dials_with_the_ring_timeout() -> None:
    machine = at(TransferState.HOLDING)
    commands = machine.handle(HoldStarted())
    assert commands == (CreateConsultationRoom(), Dial(25.0))
    assert machine.state is TransferState.RINGING


def test_answer_briefs_the_employee_with_name_reason_and_caller_number() -> None:
    machine = at(TransferState.RINGING)
    commands = machine.handle(DialAnswered())
    assert kinds(commands) == [SayToEmployee, ListenToEmployee]
    brief = spoken(commands, SayToEmployee)
    assert "Dana Whitfield" in brief
    assert "invoice" in brief
    assert "612 555 0177" in brief
    assert "press 1" in brief
    assert commands[1] == ListenToEmployee(15.0)
    assert machine.state is TransferState.CONSULTING


@pytest.mark.parametrize(
    ("outcome", "sip", "words"),
    [
        (TransferOutcome.BUSY, 486, "another call"),
        (TransferOutcome.NO_ANSWER, 480, "isn't answering"),
        (TransferOutcome.VOICEMAIL, None, "couldn't reach"),
        (TransferOutcome.FAILED, 503, "wasn't able to get through"),
    ],
)
def test_rejected_dial_returns_to_the_caller_with_an_offer(
    outcome: TransferOutcome, sip: int | None, words: str
) -> None:
    machine = at(TransferState.RINGING)
    commands = machine.handle(DialRejected(outcome, sip))
    # The leg, the room and the hold music must all go (hanging up a gone leg is a no-op).
    assert kinds(commands) == [HangUpEmployee, DeleteConsultationRoom, StopHold, SayToCaller]
    said = spoken(commands, SayToCaller)
    assert words in said
    assert "message" in said
    assert "someone else" in said
    assert PHONE not in said
    assert machine.result is not None
    assert (machine.result.outcome, machine.result.sip_status) == (outcome, sip)
    assert machine.state is TransferState.DONE


def test_voicemail_found_after_the_answer_hangs_up_that_leg() -> None:
    machine = at(TransferState.CONSULTING)
    commands = machine.handle(DialRejected(TransferOutcome.VOICEMAIL))
    assert kinds(commands) == [HangUpEmployee, DeleteConsultationRoom, StopHold, SayToCaller]
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.VOICEMAIL


def test_dial_rejected_only_accepts_dial_failures() -> None:
    with pytest.raises(ValueError, match="not a dial failure"):
        DialRejected(TransferOutcome.CONNECTED)


def test_accept_with_move_stops_hold_announces_and_moves() -> None:
    machine = at(TransferState.CONSULTING)
    commands = machine.handle(EmployeeReplied(EmployeeDecision.ACCEPT))
    assert kinds(commands) == [SayToEmployee, StopHold, SayToCaller, Merge]
    assert commands[-1] == Merge(MergeStrategy.MOVE)
    assert "connecting you to Priya" in spoken(commands, SayToCaller)
    assert machine.state is TransferState.MERGING
    done = machine.handle(MergeSucceeded())
    assert done == (DeleteConsultationRoom(),)
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.CONNECTED


def test_accept_with_refer_frees_the_employee_line_before_referring() -> None:
    machine = at(TransferState.CONSULTING, MergeStrategy.REFER)
    commands = machine.handle(EmployeeReplied(EmployeeDecision.ACCEPT))
    assert kinds(commands) == [
        SayToEmployee,
        HangUpEmployee,
        DeleteConsultationRoom,
        StopHold,
        SayToCaller,
        Merge,
    ]
    assert "ring" in spoken(commands, SayToEmployee)
    assert machine.handle(MergeSucceeded()) == ()
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.CONNECTED


def test_failed_move_tells_both_sides_and_cleans_up() -> None:
    machine = at(TransferState.MERGING)
    commands = machine.handle(MergeFailed(500))
    assert kinds(commands) == [SayToEmployee, HangUpEmployee, DeleteConsultationRoom, SayToCaller]
    assert machine.result is not None
    assert (machine.result.outcome, machine.result.sip_status) == (TransferOutcome.FAILED, 500)


def test_failed_refer_returns_to_the_caller_only() -> None:
    machine = at(TransferState.MERGING, MergeStrategy.REFER)
    commands = machine.handle(MergeFailed(603))
    assert kinds(commands) == [SayToCaller]
    assert machine.result is not None
    assert machine.result.sip_status == 603


@pytest.mark.parametrize(
    ("decision", "outcome", "employee_hears"),
    [
        (EmployeeDecision.DECLINE, TransferOutcome.DECLINED, "let them know"),
        (EmployeeDecision.MESSAGE, TransferOutcome.MESSAGE_REQUESTED, "take a message"),
    ],
)
def test_decline_and_message_end_the_consultation(
    decision: EmployeeDecision, outcome: TransferOutcome, employee_hears: str
) -> None:
    machine = at(TransferState.CONSULTING)
    commands = machine.handle(EmployeeReplied(decision))
    assert kinds(commands) == [
        SayToEmployee,
        HangUpEmployee,
        DeleteConsultationRoom,
        StopHold,
        SayToCaller,
    ]
    assert employee_hears in spoken(commands, SayToEmployee)
    assert "message" in spoken(commands, SayToCaller)
    assert machine.result is not None
    assert machine.result.outcome is outcome


@pytest.mark.parametrize("event", [EmployeeReplied(None), ReplyTimedOut()])
def test_unclear_or_missing_reply_is_asked_again_then_gives_up(event: TransferEvent) -> None:
    machine = at(TransferState.CONSULTING)
    again = machine.handle(event)
    assert kinds(again) == [SayToEmployee, ListenToEmployee]
    assert "didn't catch" in spoken(again, SayToEmployee)
    assert machine.state is TransferState.CONSULTING
    final = machine.handle(event)
    assert HangUpEmployee in kinds(final)
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.NO_ANSWER
    assert machine.result.detail == "no decision"


def test_without_reprompts_the_first_unclear_reply_ends_it() -> None:
    machine = WarmTransfer(request(reprompts=0))
    for event in (Begin(), HoldStarted(), DialAnswered()):
        machine.handle(event)
    machine.handle(ReplyTimedOut())
    assert machine.done


def test_employee_hanging_up_in_consultation_is_a_decline_without_words_to_them() -> None:
    machine = at(TransferState.CONSULTING)
    commands = machine.handle(EmployeeHungUp())
    assert kinds(commands) == [DeleteConsultationRoom, StopHold, SayToCaller]
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.DECLINED
    assert machine.result.detail == "employee hung up"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (TransferState.HOLDING, [StopHold]),
        (TransferState.RINGING, [HangUpEmployee, DeleteConsultationRoom, StopHold]),
        (
            TransferState.CONSULTING,
            [SayToEmployee, HangUpEmployee, DeleteConsultationRoom, StopHold],
        ),
        (TransferState.MERGING, [SayToEmployee, HangUpEmployee, DeleteConsultationRoom]),
    ],
)
def test_caller_hang_up_cleans_up_and_never_speaks_to_the_empty_line(
    state: TransferState, expected: list[type]
) -> None:
    machine = at(state)
    commands = machine.handle(CallerHungUp())
    assert kinds(commands) == expected
    if SayToEmployee in expected:
        assert "caller has just hung up" in spoken(commands, SayToEmployee)
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.CALLER_HUNG_UP


def test_caller_hang_up_during_a_refer_has_only_the_hold_to_clean() -> None:
    machine = at(TransferState.MERGING, MergeStrategy.REFER)
    assert machine.handle(CallerHungUp()) == ()
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.CALLER_HUNG_UP


@pytest.mark.parametrize(
    "state", [TransferState.HOLDING, TransferState.RINGING, TransferState.CONSULTING]
)
def test_checkin_offers_a_message_while_the_caller_holds(state: TransferState) -> None:
    machine = at(state)
    commands = machine.handle(CheckinDue())
    assert kinds(commands) == [SayToCaller]
    assert "take a message instead" in spoken(commands, SayToCaller)
    assert machine.state is state


def test_caller_choosing_a_message_tells_a_consulted_employee_never_mind() -> None:
    machine = at(TransferState.CONSULTING)
    commands = machine.handle(CallerAskedForMessage())
    assert kinds(commands)[0] is SayToEmployee
    assert "What would you like me to pass on" in spoken(commands, SayToCaller)
    assert machine.result is not None
    assert machine.result.outcome is TransferOutcome.MESSAGE_REQUESTED
    assert machine.result.detail == "caller asked for a message"


ALL_EVENTS: list[TransferEvent] = [
    Begin(),
    HoldStarted(),
    DialAnswered(),
    DialRejected(TransferOutcome.BUSY),
    EmployeeReplied(EmployeeDecision.ACCEPT),
    ReplyTimedOut(),
    EmployeeHungUp(),
    CallerHungUp(),
    CallerAskedForMessage(),
    CheckinDue(),
    MergeSucceeded(),
    MergeFailed(),
]
LEGAL: dict[TransferState, set[type]] = {
    TransferState.IDLE: {Begin},
    TransferState.HOLDING: {HoldStarted, CallerHungUp, CheckinDue, CallerAskedForMessage},
    TransferState.RINGING: {
        DialAnswered,
        DialRejected,
        CallerHungUp,
        CheckinDue,
        CallerAskedForMessage,
    },
    TransferState.CONSULTING: {
        DialRejected,
        EmployeeReplied,
        ReplyTimedOut,
        EmployeeHungUp,
        CallerHungUp,
        CheckinDue,
        CallerAskedForMessage,
    },
    TransferState.MERGING: {MergeSucceeded, MergeFailed, CallerHungUp},
}


@pytest.mark.parametrize("state", list(LEGAL))
@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: type(e).__name__)
def test_events_that_do_not_apply_are_ignored_and_recorded(
    state: TransferState, event: TransferEvent
) -> None:
    machine = at(state)
    commands = machine.handle(event)
    if type(event) in LEGAL[state]:
        assert commands or machine.state is not state
        assert event not in machine.ignored
    else:
        assert commands == ()
        assert machine.state is state
        assert machine.ignored == [event]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: type(e).__name__)
def test_nothing_changes_after_the_outcome(event: TransferEvent) -> None:
    machine = at(TransferState.RINGING)
    machine.handle(DialRejected(TransferOutcome.BUSY, 486))
    result = machine.result
    assert machine.handle(event) == ()
    assert machine.result is result
    assert machine.state is TransferState.DONE


def test_no_words_ever_contain_the_employee_number() -> None:
    for merge in MergeStrategy:
        for state in LEGAL:
            for event in ALL_EVENTS:
                machine = at(state, merge)
                for command in machine.handle(event):
                    assert PHONE[2:] not in getattr(command, "text", "")


def test_outcome_words_can_be_left_to_the_conversation() -> None:
    machine = WarmTransfer(replace(request(), announce_outcome=False))
    for event in (Begin(), HoldStarted()):
        machine.handle(event)
    commands = machine.handle(DialRejected(TransferOutcome.BUSY, 486))
    assert kinds(commands) == [HangUpEmployee, DeleteConsultationRoom, StopHold]
    # Words that answer the caller directly are still said.
    machine = WarmTransfer(replace(request(), announce_outcome=False))
    for event in (Begin(), HoldStarted()):
        machine.handle(event)
    assert kinds(machine.handle(CallerAskedForMessage()))[-1] is SayToCaller
