"""Per-department hours (issue 14 part 2): a department open while the company is closed, one
closed while the company is open, holidays, the company's time zone, and everything that asks
"is it open" for a department (routing, ring groups, on-call pages, what the agent says)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from switchboard.domain.availability import (
    ReachabilityReason,
    department_open,
    department_profile,
    describe_department_hours,
    describe_weekly,
    is_open,
    next_opening,
    reachability,
    working_employee,
    working_hours,
)
from switchboard.domain.directory import (
    END_OF_DAY,
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    RingGroup,
    RingStrategy,
)
from switchboard.domain.routing.on_call import after_hours_action
from switchboard.domain.routing.on_call_page import on_call_page
from switchboard.domain.routing.ring_group import ring_plan
from switchboard.domain.routing.route import RouteKind, department_route


def weekly(*ranges: TimeRange, days: int = 5) -> WeeklyHours:
    return WeeklyHours((tuple(ranges),) * days + ((),) * (7 - days))


NINE_TO_FIVE = weekly(TimeRange(time(9), time(17)))
ALWAYS = weekly(TimeRange(time(0), END_OF_DAY), days=7)
SEVEN_TO_TEN = weekly(TimeRange(time(7), time(22)), days=7)
NINE_TO_THREE = weekly(TimeRange(time(9), time(15)))
THANKSGIVING = date(2026, 11, 26)
COMPANY = CompanyProfile("Acme", "America/Chicago", NINE_TO_FIVE, holidays=(THANKSGIVING,))

# Instants, Chicago time (UTC-6 in November).
TUE_1000 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
TUE_1600 = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
TUE_2100 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
TUE_2230 = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
SAT_1100 = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
THANKSGIVING_1000 = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)

ROTA = OnCallRota(people=("sam",), starts=date(2026, 11, 23))
SUPPORT = Department(
    "support", "Support",
    hours=SEVEN_TO_TEN,
    ring=RingGroup(RingStrategy.SIMULTANEOUS),
    after_hours=AfterHours(AfterHoursAction.ON_CALL, ROTA),
)  # fmt: skip
SALES = Department(
    "sales", "Sales", hours=NINE_TO_THREE, after_hours=AfterHours(AfterHoursAction.VOICEMAIL)
)
PLAIN_SALES = Department("sales", "Sales", hours=NINE_TO_THREE)  # no routing at all
BILLING = Department("billing", "Billing")  # the company's hours
PAT = Employee("pat", "Pat Moss", "+13125550101", department="support")
SAM = Employee("sam", "Sam Roy", "+13125550102", department="support", sms="+17735550102")
# Own hours beat the department's.
MORNINGS = Employee("lee", "Lee Wu", "+13125550103", department="support",
                    hours=weekly(TimeRange(time(7), time(12)), days=7))  # fmt: skip
CHRIS = Employee("chris", "Chris Young", "+13125550104", department="sales")
BEA = Employee("bea", "Bea Kent", "+13125550105", department="billing")


def directory(*departments: Department) -> Directory:
    return Directory(
        COMPANY, departments or (SUPPORT, SALES, BILLING), (PAT, SAM, MORNINGS, CHRIS, BEA)
    )


# --- open or closed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("department", "at", "company_open", "department_is_open"),
    [
        (SUPPORT, TUE_2100, False, True),  # the company closed at 17:00, Support runs to 22:00
        (SUPPORT, TUE_2230, False, False),  # up to, not including, 22:00
        (SUPPORT, SAT_1100, False, True),  # every day
        (SALES, TUE_1000, True, True),
        (SALES, TUE_1600, True, False),  # Sales closed at 15:00, the company is open
        (BILLING, TUE_1600, True, True),  # no hours: the company's
        (BILLING, TUE_2100, False, False),
    ],
)
def test_a_department_is_open_by_its_own_hours_else_the_companys(
    department: Department, at: datetime, company_open: bool, department_is_open: bool
) -> None:
    assert is_open(COMPANY, at) is company_open
    assert department_open(COMPANY, department, at) is department_is_open


def test_company_holidays_close_every_department_even_one_open_every_day() -> None:
    always = Department("support", "Support", hours=ALWAYS)
    assert department_open(COMPANY, always, TUE_2230)
    assert not department_open(COMPANY, always, THANKSGIVING_1000)
    assert not department_open(COMPANY, SUPPORT, THANKSGIVING_1000)


def test_department_hours_are_read_in_the_company_time_zone() -> None:
    # 21:00 in Chicago is 03:00 UTC and 04:00 in Berlin: only the company's zone counts.
    berlin = CompanyProfile("Acme", "Europe/Berlin", NINE_TO_FIVE)
    assert department_open(COMPANY, SUPPORT, TUE_2100)
    assert not department_open(berlin, SUPPORT, TUE_2100)
    assert department_profile(COMPANY, SUPPORT).timezone == "America/Chicago"
    assert department_profile(COMPANY, SUPPORT).holidays == (THANKSGIVING,)
    assert department_profile(COMPANY, BILLING) is COMPANY


def test_a_department_open_until_midnight_is_open_at_the_last_minute() -> None:
    late = Department("late", "Late", hours=weekly(TimeRange(time(18), END_OF_DAY), days=7))
    at_2359 = datetime(2026, 11, 25, 5, 59, 59, tzinfo=UTC)  # Tuesday 23:59:59 in Chicago
    assert department_open(COMPANY, late, at_2359)
    assert not department_open(COMPANY, late, datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    always = Department("support", "Support", hours=ALWAYS)
    # Open round the clock: the next opening is now, at any hour outside holidays.
    assert next_opening(department_profile(COMPANY, always), TUE_2230) is not None


def test_department_open_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        department_open(COMPANY, SUPPORT, datetime(2026, 11, 24, 21, 0))


# --- whose hours an employee works --------------------------------------------------------------


def test_an_employee_without_own_hours_works_the_departments_hours() -> None:
    d = directory()
    assert working_hours(d, PAT) == SEVEN_TO_TEN
    assert working_hours(d, MORNINGS) == MORNINGS.hours  # own hours first
    assert working_hours(d, BEA) is None  # Billing keeps the company's
    assert working_employee(d, BEA) is BEA
    nobody = Employee("x", "X", "+13125550109")  # no department
    assert working_hours(d, nobody) is None
    # Asked for a ring group, the ringing department's hours apply to members without own hours.
    assert working_hours(d, BEA, SUPPORT) == SEVEN_TO_TEN


def test_reachability_of_a_department_member_follows_the_department() -> None:
    d = directory()
    at_night = reachability(working_employee(d, PAT), COMPANY, TUE_2100)
    assert at_night.reachable  # Support is open at 21:00 though the company is not
    late_sales = reachability(working_employee(d, CHRIS), COMPANY, TUE_1600)
    assert not late_sales.reachable
    assert late_sales.reason is ReachabilityReason.OUTSIDE_OWN_HOURS
    assert late_sales.caller_message == (
        "Chris isn't in right now; back tomorrow at 9 AM. I can take a message."
    )
    holiday = reachability(working_employee(d, PAT), COMPANY, THANKSGIVING_1000)
    assert holiday.reason is ReachabilityReason.HOLIDAY
    # The stored employee is unchanged: only availability sees the department's hours.
    assert d.employee("pat") is PAT
    assert PAT.hours is None


# --- routing --------------------------------------------------------------------------------------


def test_after_hours_action_follows_the_departments_hours() -> None:
    assert after_hours_action(SUPPORT, COMPANY, TUE_2100) is None  # open: no after-hours action
    assert after_hours_action(SUPPORT, COMPANY, TUE_2230) is AfterHoursAction.ON_CALL
    assert after_hours_action(SALES, COMPANY, TUE_1600) is AfterHoursAction.VOICEMAIL
    assert after_hours_action(SALES, COMPANY, TUE_1000) is None
    assert after_hours_action(BILLING, COMPANY, TUE_1600) is None
    assert after_hours_action(BILLING, COMPANY, TUE_2100) is AfterHoursAction.MESSAGE


def test_a_department_open_while_the_company_is_closed_rings_its_group() -> None:
    d = directory()
    route = department_route(d, SUPPORT, TUE_2100)
    assert route.kind is RouteKind.RING_GROUP
    assert route.plan is not None
    # Lee's own hours (7-12) leave him out at 21:00; Pat and Sam work Support's hours.
    assert route.plan.ringing == (PAT, SAM)
    assert [e.id for e, _ in route.plan.skipped] == ["lee"]
    assert route.caller_message == "Let me try Support."


def test_the_ringing_departments_hours_apply_to_members_from_elsewhere() -> None:
    night_desk = Department(
        "night", "Night Desk", hours=ALWAYS, ring=RingGroup(members=("bea", "chris"))
    )
    d = Directory(COMPANY, (night_desk, SALES, BILLING), (CHRIS, BEA))
    plan = ring_plan(d, night_desk, TUE_2100)
    assert plan.ringing == (BEA, CHRIS)  # at 21:00, though Billing and Sales are closed


def test_a_department_closed_while_the_company_is_open_takes_its_after_hours_action() -> None:
    d = directory()
    route = department_route(d, SALES, TUE_1600)
    assert route.kind is RouteKind.VOICEMAIL
    assert route.caller_message == (
        "Sales is closed right now; back tomorrow at 9 AM. Please leave a message."
    )
    on_call = department_route(d, SUPPORT, TUE_2230)
    assert (on_call.kind, on_call.on_call) == (RouteKind.ON_CALL, SAM)
    assert (
        on_call.caller_message
        == "Support is closed right now, but someone is on call. Let me try them."
    )


def test_a_closed_department_without_routing_goes_to_its_front_contact_who_is_not_in() -> None:
    d = directory(PLAIN_SALES, SUPPORT, BILLING)
    assert department_route(d, PLAIN_SALES, TUE_1600).kind is RouteKind.FRONT_CONTACT
    # ... and the front contact works Sales' hours, so the transfer is refused with why.
    assert not reachability(working_employee(d, CHRIS), COMPANY, TUE_1600).reachable


def test_a_closed_department_with_a_message_rule_names_itself_and_when_it_opens() -> None:
    sales = Department("sales", "Sales", hours=NINE_TO_THREE,
                       ring=RingGroup(), after_hours=AfterHours())  # fmt: skip
    route = department_route(directory(sales, SUPPORT, BILLING), sales, TUE_1600)
    assert route.kind is RouteKind.MESSAGE
    assert route.caller_message == (
        "Sales is closed right now; back tomorrow at 9 AM. I can take a message."
    )
    friday = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)  # Friday 16:00: back on Monday
    monday = department_route(directory(sales, SUPPORT, BILLING), sales, friday)
    assert "back on Monday at 9 AM" in monday.caller_message


def test_without_own_hours_the_closed_messages_speak_for_the_company_as_before() -> None:
    billing = Department("billing", "Billing", after_hours=AfterHours(AfterHoursAction.VOICEMAIL))
    route = department_route(directory(billing), billing, TUE_2100)
    assert route.caller_message == "We're closed right now. Please leave a message for Billing."


def test_on_call_on_a_holiday_for_a_department_open_every_day() -> None:
    route = department_route(directory(), SUPPORT, THANKSGIVING_1000)
    assert (route.kind, route.on_call) == (RouteKind.ON_CALL, SAM)


# --- the on-call page ---------------------------------------------------------------------------


def urgent(recipient: str, kind: RecipientKind, at: datetime) -> Message:
    return Message("msg_1", kind, recipient, "Dana", "+16125550177", "The server is down", at,
                   urgent=True)  # fmt: skip


@pytest.mark.parametrize(
    ("at", "paged"),
    [
        (TUE_2100, False),  # the company is closed but Support is open: nobody is paged
        (TUE_2230, True),  # Support closed
        (THANKSGIVING_1000, True),  # a holiday closes Support too
        (TUE_1000, False),
    ],
)
def test_an_urgent_message_pages_only_while_its_department_is_closed(
    at: datetime, paged: bool
) -> None:
    d = directory()
    msg = urgent("support", RecipientKind.DEPARTMENT, at)
    page = on_call_page(msg, d, at, plan_notifications(msg, None, d, at))
    assert (page is not None) is paged
    if page is not None:
        assert page.to == SAM.sms


def test_a_department_closed_while_the_company_is_open_pages_its_on_call_person() -> None:
    sales = Department("sales", "Sales", hours=NINE_TO_THREE,
                       after_hours=AfterHours(AfterHoursAction.MESSAGE, ROTA))  # fmt: skip
    d = directory(sales, SUPPORT, BILLING)
    msg = urgent("chris", RecipientKind.EMPLOYEE, TUE_1600)  # for a member of Sales
    page = on_call_page(msg, d, TUE_1600, plan_notifications(msg, None, d, TUE_1600))
    assert page is not None
    assert page.to == SAM.sms
    msg = urgent("chris", RecipientKind.EMPLOYEE, TUE_1000)
    assert on_call_page(msg, d, TUE_1000, plan_notifications(msg, None, d, TUE_1000)) is None


# --- what is said about hours ---------------------------------------------------------------------


def test_department_hours_are_described_like_the_companys() -> None:
    assert describe_department_hours(BILLING) is None
    assert describe_department_hours(SALES) == (
        "Monday to Friday, 9 AM to 3 PM; closed Saturday and Sunday"
    )
    assert describe_department_hours(SUPPORT) == "open every day, 7 AM to 10 PM"
    assert describe_weekly(ALWAYS) == "open every day, 24 hours"
    evenings = weekly(TimeRange(time(18), END_OF_DAY), days=7)
    assert describe_weekly(evenings) == "open every day, 6 PM to midnight"


def test_end_of_day_writes_as_24_00() -> None:
    assert str(TimeRange(time(0), END_OF_DAY)) == "00:00-24:00"
    assert ALWAYS.as_mapping()["sun"] == "00:00-24:00"


def test_an_out_of_office_member_of_an_open_department_is_still_skipped() -> None:
    d = Directory(COMPANY, (SUPPORT,), (PAT.with_changes(status=EmployeeStatus.OUT_OF_OFFICE), SAM))
    route = department_route(d, SUPPORT, TUE_2100)
    assert route.plan is not None
    assert [e.id for e in route.plan.ringing] == ["sam"]
