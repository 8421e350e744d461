"""`Resolver.scan` and `resolve` on descriptions rather than names: job titles, departments in other
word forms and topics, on a directory unlike the demo (CALL_CONVENTIONS, Routing)."""

from __future__ import annotations

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import ResolutionStatus, Resolver
from switchboard.domain.resolution.topics import stem

DIRECTORY = Directory(
    company=CompanyProfile(name="Birch & Co"),
    departments=(
        Department("accounting", "Accounting", ("accounts payable", "finance")),
        Department("shipping", "Shipping", ("logistics", "deliveries")),
        Department("service", "Customer Service", ("support", "returns")),
        Department("legal", "Legal"),
        Department("people", "People Operations", ("hr", "human resources")),
    ),
    employees=(
        Employee("maria-lopez", "Maria Lopez", "+16175550101", title="Accounts Manager",
                 department="accounting"),
        Employee("maria-santos", "Maria Santos", "+16175550102", title="Billing Clerk",
                 department="accounting"),
        Employee("ken-ito", "Kenji Ito", "+16175550103", aliases=("Ken",),
                 title="Logistics Coordinator", department="shipping"),
        Employee("ola", "Ola Nordmann", "+16175550104", title="Support Lead", department="service"),
        Employee("sue", "Susan Park-Lee", "+16175550105", title="General Counsel",
                 department="legal"),
        Employee("will", "William Brown", "+16175550107", aliases=("Will", "Bill"),
                 title="Warehouse Lead", department="shipping"),
    ),
)  # fmt: skip
RESOLVER = Resolver.build(DIRECTORY)


def found(text: str) -> tuple[str, list[str]]:
    r = RESOLVER.scan(text)
    return r.status.value, [c.id for c in r.candidates]


@pytest.mark.parametrize(
    ("text", "dept"),
    [
        ("a question about a shipment", "shipping"),  # alias "shipping"/name in another form
        ("my invoice is wrong", "accounting"),
        ("I want to return a product", "service"),
        ("where's my package", "shipping"),
        ("I was overcharged", "accounting"),
        ("I got a letter from your attorney", "legal"),
        ("a question about my benefits", "people"),
        ("I'd like to pay a bill", "accounting"),  # "a bill" is a thing, not Bill Brown
    ],
)
def test_a_description_goes_to_the_department_that_handles_it(text: str, dept: str) -> None:
    assert found(text) == ("department", [dept])


def test_a_name_that_is_also_a_word_is_still_a_name_on_its_own() -> None:
    assert found("is bill around") == ("match", ["will"])


def test_a_title_or_duty_picks_between_people_who_share_a_name() -> None:
    assert found("Maria") == ("ambiguous", ["maria-lopez", "maria-santos"])
    assert found("the maria who does billing") == ("match", ["maria-santos"])


def test_a_title_said_in_full_names_its_one_holder() -> None:
    assert found("the general counsel please") == ("match", ["sue"])


def test_a_topic_no_department_handles_routes_nowhere() -> None:
    """Nobody here handles computers (no IT, no support title word twice): `none`, not a guess."""
    resolver = Resolver.build(
        Directory(
            CompanyProfile(name="x"),
            departments=(Department("sales", "Sales"), Department("legal", "Legal")),
            employees=(Employee("a", "Ann Lee", "+16175550111", department="sales"),),
        )
    )
    assert resolver.scan("my laptop won't boot").status is ResolutionStatus.NONE


def test_everyday_words_are_never_a_misspelt_name() -> None:
    resolver = Resolver.build(
        Directory(CompanyProfile(name="x"), employees=(Employee("sam", "Sam Ode", "+16175550111"),))
    )
    assert resolver.resolve("the same person").status is ResolutionStatus.NONE
    assert resolver.resolve("same").status is ResolutionStatus.NONE


def test_the_callers_own_introduction_is_not_the_target() -> None:
    r = RESOLVER.resolve("Hi, I'm Will from Acme, I need someone about a delivery")
    assert (r.status, [c.id for c in r.candidates]) == (ResolutionStatus.DEPARTMENT, ["shipping"])


def test_word_forms_meet_at_one_stem() -> None:
    assert stem("invoices") == stem("invoice") == stem("invoicing")
    assert stem("shipment") == stem("shipping") == stem("shipped")
