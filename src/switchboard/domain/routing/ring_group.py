"""Who a department's ring group rings now. Pure: the caller passes the clock's instant.

A member is skipped when `reachability` says they cannot be dialled now (away, do-not-disturb,
out of their hours, and whatever else availability learns later, such as "in a meeting"), so the
skip rule is availability's rule and composes with it. A member without hours of their own works
the ringing department's hours while it rings them (the company's when it has none), so a
department open while the company is closed rings its group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from switchboard.domain.availability import reachability, working_employee
from switchboard.domain.calls import TransferResult
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.routing.config import RingGroup


class Reach(Protocol):
    """What a reachability rule answers, as far as the ring group uses it."""

    @property
    def reachable(self) -> bool: ...


ReachabilityRule = Callable[[Employee, CompanyProfile, datetime], Reach]


@dataclass(frozen=True, slots=True)
class RingPlan:
    """The legs to ring, in order, and the members left out with why."""

    group: RingGroup
    ringing: tuple[Employee, ...]
    skipped: tuple[tuple[Employee, Reach], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.ringing


def group_members(directory: Directory, department: Department) -> tuple[Employee, ...]:
    """The ring group's members in ringing order: the listed ids, or the department's members in
    file order. Ids that are not in the directory are left out (the file check refuses them)."""
    if department.ring is None or not department.ring.members:
        return directory.members(department.id)
    found = (directory.employee(i) for i in department.ring.members)
    return tuple(e for e in found if e is not None)


def ring_plan(
    directory: Directory,
    department: Department,
    at: datetime,
    rule: ReachabilityRule = reachability,
) -> RingPlan:
    """Who rings for `department` at `at`; `rule` decides who may be dialled (skip otherwise)."""
    group = department.ring or RingGroup()
    ringing: list[Employee] = []
    skipped: list[tuple[Employee, Reach]] = []
    for member in group_members(directory, department):
        reach = rule(working_employee(directory, member, department), directory.company, at)
        if reach.reachable:
            ringing.append(member)
        else:
            skipped.append((member, reach))
    return RingPlan(group, tuple(ringing), tuple(skipped))


@dataclass(frozen=True, slots=True)
class RingGroupOutcome:
    """The group's result (`employee_id` is the winner, or the department when nobody won) and
    every leg's own result, in ringing order."""

    result: TransferResult
    legs: tuple[TransferResult, ...]
