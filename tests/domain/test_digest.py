"""The daily digest (pure): which day is due, what counts as missed, who a message is for."""

from __future__ import annotations

from datetime import UTC, date, datetime

from switchboard.domain.call_record import CallEvent, CallRecord
from switchboard.domain.digest import (
    collect,
    day_window,
    digest_id,
    digest_message,
    digest_text,
    due_day,
)
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.messages import MAX_TEXT_LENGTH, Message, MessageKind, RecipientKind
from switchboard.domain.messages.delivery import StoredMessage

TZ = "America/Chicago"
DAY = date(2026, 12, 6)
ANN = Employee("ann", "Ann", "+13125550101", department="sales", email="ann@x.example")
BO = Employee("bo", "Bo", "+13125550102", email="bo@x.example")
DIRECTORY = Directory(
    CompanyProfile("Acme", timezone=TZ), (Department("sales", "Sales"),), (ANN, BO)
)
NOON = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)  # 12:00 in Chicago


def attempt(at: datetime, employee: str, result: str) -> CallRecord:
    event = CallEvent(at, "transfer_attempt", {"employee": employee, "result": result})
    return CallRecord(f"c-{at.timestamp()}-{employee}", at, "+16125550177", events=(event,))


def stored(mid: str, at: datetime, kind: RecipientKind = RecipientKind.EMPLOYEE,
           rid: str = "ann", mkind: MessageKind = MessageKind.MESSAGE) -> StoredMessage:  # fmt: skip
    return StoredMessage(Message(mid, kind, rid, "Dana", None, "Call me", at, kind=mkind), ())


def test_due_day_is_yesterday_once_the_hour_has_come_locally() -> None:
    morning = datetime(2026, 12, 7, 12, 59, tzinfo=UTC)  # 06:59 in Chicago
    assert due_day(morning, TZ, 7) is None
    assert due_day(datetime(2026, 12, 7, 13, 0, tzinfo=UTC), TZ, 7) == DAY
    assert due_day(datetime(2026, 12, 7, 13, 0, tzinfo=UTC), TZ, -1) is None  # off


def test_the_window_is_local_midnight_to_midnight() -> None:
    start, end = day_window(DAY, TZ)
    assert start == datetime(2026, 12, 6, 6, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def test_only_unconnected_attempts_in_the_day_are_missed() -> None:
    calls = [
        attempt(NOON, "ann", "no_answer"),
        attempt(NOON, "ann", "connected"),
        attempt(NOON, "bo", "declined"),
        attempt(datetime(2026, 12, 7, 7, 0, tzinfo=UTC), "ann", "busy"),  # the next local day
    ]
    digests = {d.employee.id: d for d in collect(DIRECTORY, DAY, calls, [])}
    assert [c.result for c in digests["ann"].missed] == ["no_answer"]
    assert [c.result for c in digests["bo"].missed] == ["declined"]


def test_messages_go_to_their_employee_or_the_department_front_contact() -> None:
    items = [
        stored("m1", NOON),
        stored("m2", NOON, RecipientKind.DEPARTMENT, "sales"),
        stored("m3", NOON, mkind=MessageKind.TRANSFER_SUMMARY),  # follow-ups are not listed
        stored("m4", datetime(2026, 12, 5, 18, 0, tzinfo=UTC)),  # the day before
    ]
    [digest] = collect(DIRECTORY, DAY, [], items)
    assert digest.employee is ANN
    assert [s.message.id for s in digest.messages] == ["m1", "m2"]


def test_nobody_with_nothing_gets_a_digest() -> None:
    assert collect(DIRECTORY, DAY, [], []) == []


def test_the_digest_message_is_keyed_by_day_and_employee() -> None:
    [digest] = collect(DIRECTORY, DAY, [attempt(NOON, "bo", "voicemail")], [])
    message = digest_message(digest, TZ, NOON)
    assert message.id == digest_id(DAY, "bo") == "dig_2026-12-06_bo"
    assert message.kind is MessageKind.DIGEST
    assert "12:00 from +16125550177 (voicemail)" in message.text


def test_a_long_day_is_cut_and_says_so() -> None:
    items = [stored(f"m{i}", NOON) for i in range(200)]
    [digest] = collect(DIRECTORY, DAY, [], items)
    text = digest_text(digest, TZ)
    assert len(text) <= MAX_TEXT_LENGTH
    assert text.endswith("see `switchboard messages list`")
    assert "Messages (200):" in text
