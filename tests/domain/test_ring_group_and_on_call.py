"""Who a ring group rings, who is on call, where a department call goes, and the on-call page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from switchboard.domain.availability import Reachability, ReachabilityReason, reachability
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    OnCallShift,
    RingGroup,
    RingStrategy,
)
from switchboard.domain.routing.on_call import on_call_id, on_call_person
from switchboard.domain.routing.on_call_page import on_call_page
from switchboard.domain.routing.ring_group import group_members, ring_plan
from switchboard.domain.routing.route import RouteKind, department_route

NINE_TO_FIVE = WeeklyHours(((TimeRange(time(9), time(17)),),) * 5 + ((), ()))
COMPANY = CompanyProfile("Acme", "America/Chicago", NINE_TO_FIVE, holidays=(date(2026, 11, 26),))
ANN = Employee("ann", "Ann Lee", "+13125550101", department="it", sms="+17735550101")
BO = Employee("bo", "Bo Chen", "+13125550102", department="it", status=EmployeeStatus.DND)
CY = Employee("cy", "Cy Diaz", "+13125550103", department="it", sms="+17735550103")
DEE = Employee(
    "dee", "Dee Fox", "+13125550104", department="it", status=EmployeeStatus.OUT_OF_OFFICE
)
WEEKLY = OnCallRota(people=("cy", "ann"), starts=date(2026, 11, 23))  # a Monday
IT = Department(
    "it", "IT",
    ring=RingGroup(RingStrategy.HUNT, 10.0),
    after_hours=AfterHours(AfterHoursAction.ON_CALL, WEEKLY),
)  # fmt: skip
OPEN = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 10:00 in Chicago
CLOSED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Tuesday 21:00 in Chicago


def directory(*departments: Department) -> Directory:
    return Directory(COMPANY, departments or (IT,), (ANN, BO, CY, DEE))


def test_members_default_to_the_department_in_file_order_and_listed_ids_set_the_order() -> None:
    assert group_members(directory(), IT) == (ANN, BO, CY, DEE)
    listed = Department("it", "IT", ring=RingGroup(members=("cy", "ann", "gone")))
    assert group_members(directory(listed), listed) == (CY, ANN)  # unknown ids are left out


def test_away_and_do_not_disturb_members_are_skipped_with_why() -> None:
    plan = ring_plan(directory(), IT, OPEN)
    assert plan.ringing == (ANN, CY)
    reasons = {e.id: r.reason for e, r in plan.skipped}  # type: ignore[attr-defined]
    assert reasons == {"bo": ReachabilityReason.DND, "dee": ReachabilityReason.OUT_OF_OFFICE}


def test_the_skip_rule_is_availability_so_a_meeting_rule_composes() -> None:
    def in_a_meeting(e: Employee, c: CompanyProfile, at: datetime) -> Reachability:
        if e.id == "ann":
            return Reachability(False, ReachabilityReason.DND, "Ann is in a meeting.")
        return reachability(e, c, at)

    assert ring_plan(directory(), IT, OPEN, in_a_meeting).ringing == (CY,)


def test_nobody_rings_outside_hours() -> None:
    assert ring_plan(directory(), IT, CLOSED).empty


@pytest.mark.parametrize(
    ("at", "person"),
    [
        (datetime(2026, 11, 23, 5, 59, tzinfo=UTC), "ann"),  # 23:59 Sunday in Chicago: week before
        (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "cy"),  # 00:00 Monday in Chicago
        (datetime(2026, 11, 29, 12, 0, tzinfo=UTC), "cy"),
        (datetime(2026, 11, 30, 12, 0, tzinfo=UTC), "ann"),
        (datetime(2026, 12, 7, 12, 0, tzinfo=UTC), "cy"),
        (datetime(2026, 11, 10, 12, 0, tzinfo=UTC), "cy"),  # two weeks before `starts`
    ],
)
def test_weekly_rotation_hands_over_at_local_midnight(at: datetime, person: str) -> None:
    assert on_call_id(WEEKLY, COMPANY, at) == person


def test_dated_shifts_include_both_ends_and_a_gap_is_nobody() -> None:
    rota = OnCallRota(
        shifts=(
            OnCallShift(date(2026, 12, 24), date(2026, 12, 26), "ann"),
            OnCallShift(date(2026, 12, 27), date(2026, 12, 27), "cy"),
        )
    )

    def at(day: int) -> datetime:
        return datetime(2026, 12, day, 18, 0, tzinfo=UTC)

    assert [on_call_id(rota, COMPANY, at(d)) for d in (23, 24, 26, 27, 28)] == [
        None, "ann", "ann", "cy", None
    ]  # fmt: skip


def test_on_call_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        on_call_id(WEEKLY, COMPANY, datetime(2026, 11, 24, 12, 0))


def test_on_call_person_is_none_without_a_rota_or_for_an_unknown_id() -> None:
    assert on_call_person(directory(), Department("it", "IT"), CLOSED) is None
    ghost = Department("it", "IT", after_hours=AfterHours(
        AfterHoursAction.ON_CALL, OnCallRota(people=("ghost",), starts=date(2026, 1, 5))))  # fmt: skip
    assert on_call_person(directory(ghost), ghost, CLOSED) is None


def test_routes() -> None:
    d = directory()
    assert department_route(d, Department("it", "IT"), OPEN).kind is RouteKind.FRONT_CONTACT
    assert department_route(d, Department("it", "IT"), CLOSED).kind is RouteKind.FRONT_CONTACT
    open_route = department_route(d, IT, OPEN)
    assert open_route.kind is RouteKind.RING_GROUP
    assert open_route.plan is not None
    assert open_route.plan.ringing == (ANN, CY)
    night = department_route(d, IT, CLOSED)
    assert (night.kind, night.on_call) == (RouteKind.ON_CALL, CY)
    holiday = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # Thanksgiving, during hours
    assert department_route(d, IT, holiday).kind is RouteKind.ON_CALL
    voicemail = Department("it", "IT", after_hours=AfterHours(AfterHoursAction.VOICEMAIL))
    assert department_route(d, voicemail, CLOSED).kind is RouteKind.VOICEMAIL
    assert department_route(d, voicemail, OPEN).kind is RouteKind.FRONT_CONTACT


def test_an_on_call_person_on_do_not_disturb_is_not_dialled() -> None:
    d = Directory(COMPANY, (IT,), (ANN, BO, CY.with_changes(status=EmployeeStatus.DND), DEE))
    route = department_route(d, IT, CLOSED)
    assert route.kind is RouteKind.MESSAGE
    assert not route.dials
    assert "+1" not in route.caller_message


def test_a_group_with_everyone_away_offers_a_message() -> None:
    d = Directory(COMPANY, (IT,), (BO, DEE))
    route = department_route(d, IT, OPEN)
    assert route.kind is RouteKind.MESSAGE
    assert "Nobody in IT" in route.caller_message


def message(recipient: str, kind: RecipientKind, *, urgent: bool = True) -> Message:
    return Message("msg_1", kind, recipient, "Dana", "+16125550177", "The server is on fire",
                   CLOSED, urgent=urgent)  # fmt: skip


def test_an_urgent_after_hours_message_pages_the_on_call_person() -> None:
    d = directory()
    msg = message("it", RecipientKind.DEPARTMENT)
    page = on_call_page(msg, d, CLOSED, plan_notifications(msg, None, d, CLOSED))
    assert page is not None
    assert (page.channel, page.to, page.id) == (Channel.SMS, CY.sms, "msg_1.sms.1")
    # A message for a member of the department pages too.
    assert on_call_page(message("ann", RecipientKind.EMPLOYEE), d, CLOSED) is not None


@pytest.mark.parametrize(
    ("msg", "at"),
    [
        (message("it", RecipientKind.DEPARTMENT, urgent=False), CLOSED),  # not urgent
        (message("it", RecipientKind.DEPARTMENT), OPEN),  # open: the recipient is at work
        (message("cy", RecipientKind.EMPLOYEE), CLOSED),  # the on-call person's own SMS suffices
    ],
)
def test_no_page(msg: Message, at: datetime) -> None:
    d = directory()
    assert on_call_page(msg, d, at, plan_notifications(msg, None, d, at)) is None


def test_no_page_without_a_rota_or_an_sms_number() -> None:
    plain = Directory(COMPANY, (Department("it", "IT"),), (ANN, CY))
    assert on_call_page(message("it", RecipientKind.DEPARTMENT), plain, CLOSED) is None
    no_sms = Directory(COMPANY, (IT,), (ANN, CY.with_changes(sms=None)))
    assert on_call_page(message("it", RecipientKind.DEPARTMENT), no_sms, CLOSED) is None
