"""Message validation, notification status rules and the notification plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.messages import (
    MAX_TEXT_LENGTH,
    InvalidMessage,
    Message,
    RecipientKind,
    recipient_kind,
)
from switchboard.domain.notifications import (
    Channel,
    Notification,
    NotificationStatus,
    moves_forward,
    status_from_twilio,
)
from switchboard.domain.notifications.plan import FRONT_DESK, plan_notifications

NOW = datetime(2026, 11, 23, 20, 5, tzinfo=UTC)
S = NotificationStatus


def msg(**changes: object) -> Message:
    base: dict[str, object] = {
        "id": "m1",
        "recipient_kind": RecipientKind.EMPLOYEE,
        "recipient_id": "ann",
        "caller_name": "Bob Smith",
        "callback_number": "+13125550199",
        "text": "Please call me back about the invoice.",
        "created_at": NOW,
    }
    base.update(changes)
    return Message(**base)  # type: ignore[arg-type]


DIRECTORY = Directory(
    company=CompanyProfile(name="Acme", timezone="America/Chicago"),
    departments=(Department(id="sales", name="Sales"), Department(id="empty", name="Empty")),
    employees=(
        Employee(
            id="ann",
            name="Ann Lee",
            phone="+13125550101",
            email="ann@acme.test",
            sms="+13125550112",
            department="sales",
        ),
        Employee(id="bo", name="Bo Ray", phone="+13125550102", email="bo@acme.test"),
        Employee(id="cy", name="Cy Ng", phone="+13125550103"),
    ),
)


def test_text_at_the_documented_limit_is_kept_whole() -> None:
    text = "x" * MAX_TEXT_LENGTH
    assert MAX_TEXT_LENGTH >= 2000
    assert msg(text=text).text == text


def test_text_over_the_limit_is_rejected_not_truncated() -> None:
    with pytest.raises(InvalidMessage, match="text"):
        msg(text="x" * (MAX_TEXT_LENGTH + 1))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("callback_number", "312-555-0199"),
        ("callback_number", "+1"),
        ("created_at", datetime(2026, 11, 23, 20, 5)),
        ("recipient_id", " "),
        ("id", ""),
        ("caller_name", "n" * 201),
        ("recipient_kind", "team"),
    ],
)
def test_bad_fields_are_rejected(field: str, value: object) -> None:
    with pytest.raises(InvalidMessage, match=field):
        msg(**{field: value})


def test_sql_like_text_is_stored_verbatim() -> None:
    text = "Robert'); DROP TABLE messages;-- <b>hi</b>"
    assert msg(text=text).text == text


def test_recipient_kind_parsing() -> None:
    assert recipient_kind("department") is RecipientKind.DEPARTMENT
    with pytest.raises(InvalidMessage):
        recipient_kind("room")


@pytest.mark.parametrize(
    ("current", "new", "forward"),
    [
        (S.QUEUED, S.SENDING, True),
        (S.QUEUED, S.DELIVERED, True),
        (S.SENT, S.SENDING, False),
        (S.SENT, S.SENT, False),
        (S.DELIVERED, S.SENT, False),
        (S.DELIVERED, S.FAILED, False),
        (S.UNDELIVERED, S.DELIVERED, False),
        (S.SENDING, S.UNDELIVERED, True),
    ],
)
def test_status_only_moves_forward(current: S, new: S, forward: bool) -> None:
    assert moves_forward(current, new) is forward


def test_out_of_order_and_duplicate_callbacks_keep_the_latest_state() -> None:
    n = Notification("n", "m1", Channel.SMS, "+13125550112", NOW, NOW, next_attempt_at=NOW)
    later = NOW + timedelta(seconds=5)
    n = n.advanced(S.SENT, NOW)
    n = n.advanced(S.DELIVERED, later, error_code=None)
    assert n.next_attempt_at is None
    for stale in (S.SENT, S.SENDING, S.DELIVERED, S.UNDELIVERED):
        assert n.advanced(stale, later + timedelta(seconds=1), error_code="30003") is n
    assert n.status is S.DELIVERED
    assert n.updated_at == later


def test_error_code_is_kept_on_failure() -> None:
    n = Notification("n", "m1", Channel.SMS, "+13125550112", NOW, NOW)
    assert n.advanced(S.UNDELIVERED, NOW, error_code="30006").error_code == "30006"


@pytest.mark.parametrize(
    ("twilio", "ours"),
    [
        ("accepted", S.QUEUED),
        ("scheduled", S.QUEUED),
        ("Sent", S.SENT),
        ("read", S.DELIVERED),
        ("canceled", S.FAILED),
        ("undelivered", S.UNDELIVERED),
        ("receiving", None),
        ("", None),
    ],
)
def test_twilio_statuses_map_sensibly(twilio: str, ours: S | None) -> None:
    assert status_from_twilio(twilio) is ours


def channels(plan: tuple[Notification, ...]) -> dict[Channel, str]:
    return {n.channel: n.to for n in plan}


def test_employee_with_email_and_sms_gets_both() -> None:
    plan = plan_notifications(msg(), None, DIRECTORY, NOW)
    assert channels(plan) == {Channel.EMAIL: "ann@acme.test", Channel.SMS: "+13125550112"}
    assert all(n.status is S.QUEUED and n.next_attempt_at == NOW for n in plan)


def test_email_only_employee_gets_email_only() -> None:
    plan = plan_notifications(msg(recipient_id="bo"), None, DIRECTORY, NOW)
    assert channels(plan) == {Channel.EMAIL: "bo@acme.test"}


def test_urgent_goes_on_all_channels_plus_local_copy() -> None:
    plan = plan_notifications(msg(urgent=True), None, DIRECTORY, NOW)
    assert set(channels(plan)) == {Channel.EMAIL, Channel.SMS, Channel.LOCAL}


def test_department_goes_to_its_front_contact() -> None:
    m = msg(recipient_kind=RecipientKind.DEPARTMENT, recipient_id="sales")
    assert channels(plan_notifications(m, None, DIRECTORY, NOW))[Channel.EMAIL] == "ann@acme.test"


@pytest.mark.parametrize(
    ("kind", "rid", "to"),
    [
        (RecipientKind.EMPLOYEE, "cy", "cy"),
        (RecipientKind.EMPLOYEE, "ghost", FRONT_DESK),
        (RecipientKind.DEPARTMENT, "empty", FRONT_DESK),
    ],
)
def test_nothing_real_configured_goes_to_local(kind: RecipientKind, rid: str, to: str) -> None:
    plan = plan_notifications(msg(recipient_kind=kind, recipient_id=rid), None, DIRECTORY, NOW)
    assert channels(plan) == {Channel.LOCAL: to}


def test_planning_twice_gives_the_same_ids() -> None:
    first = plan_notifications(msg(), None, DIRECTORY, NOW)
    again = plan_notifications(msg(), None, DIRECTORY, NOW + timedelta(minutes=1))
    assert [n.id for n in first] == [n.id for n in again]
    assert len({n.id for n in first}) == len(first)


def test_explicit_employee_overrides_lookup() -> None:
    bo = DIRECTORY.employee("bo")
    plan = plan_notifications(msg(recipient_id="ann"), bo, DIRECTORY, NOW)
    assert channels(plan) == {Channel.EMAIL: "bo@acme.test"}
