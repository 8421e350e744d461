"""The directory's block list entries and the routing references a directory checks (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    OnCallShift,
    RingGroup,
)
from switchboard.domain.screening import (
    BlockList,
    BlockListError,
    Screening,
    ScreeningPolicy,
    block_entry,
)


@pytest.mark.parametrize(
    ("raw", "entry"),
    [("+1 900", "+1900"), ("+1 (612) 555-0100", "+16125550100"), ("+44.20.7946", "+44207946")],
)
def test_entries_are_normalised(raw: str, entry: str) -> None:
    assert block_entry(raw) == entry


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "it is empty"),
        ("6125550100", "it must start with + and the country code"),
        ("+", "there are no digits after the +"),
        ("+1 900 CALL", "'C' is not a digit"),
        ("+0123", "a country code never starts with 0"),
        ("+1234567890123456", "it has 16 digits, at most 15 are allowed"),
        ("+١٢٣", "'١' is not a digit"),  # non-ASCII digits are not E.164
    ],
)
def test_bad_entries_say_what_is_wrong(raw: str, why: str) -> None:
    with pytest.raises(BlockListError) as caught:
        block_entry(raw)
    message = str(caught.value)
    assert message.startswith(f"{raw!r} is not an E.164 number or prefix ({why}")


def test_the_effective_list_is_the_settings_and_the_directory_together() -> None:
    settings = ScreeningPolicy(BlockList(("+1900",)))
    directory = BlockList(("+16125550166", "+1900"))
    policy = settings.including(directory)
    assert policy.blocked.entries == ("+1900", "+16125550166")
    assert policy.screen("+16125550166", None) is Screening.BLOCK
    assert policy.screen("+19005550100", None) is Screening.BLOCK
    assert policy.screen("+16125550167", None) is Screening.ALLOW
    assert settings.screen("+16125550166", None) is Screening.ALLOW  # the settings' own list
    assert settings.including(BlockList()) is settings


def test_a_directory_names_the_routing_references_to_missing_employees() -> None:
    it = Department(
        "it",
        "IT",
        ring=RingGroup(members=("eve", "gone")),
        after_hours=AfterHours(
            AfterHoursAction.ON_CALL,
            OnCallRota(shifts=(OnCallShift(date(2026, 1, 1), date(2026, 1, 2), "gone"),)),
        ),
    )
    sales = Department(
        "sales", "Sales", after_hours=AfterHours(on_call=OnCallRota(("eve",), date(2026, 1, 5)))
    )
    directory = Directory(
        CompanyProfile("Acme"), (sales, it), (Employee("eve", "Eve", "+13125550100"),)
    )
    assert [
        (r.index, r.department, r.field, r.employee) for r in directory.unknown_in_routing()
    ] == [
        (1, "it", "ring.members", "gone"),
        (1, "it", "after_hours.on_call.dates[0].person", "gone"),
    ]
    assert len(directory.routing_references()) == 4
