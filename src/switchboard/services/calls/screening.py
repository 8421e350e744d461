"""Screening on a call: the message-only path for callers whose caller ID failed verification."""

from __future__ import annotations

from datetime import datetime

from switchboard.domain.availability import Reachability, ReachabilityReason
from switchboard.domain.calendar.availability import ReachabilityFn
from switchboard.domain.directory import CompanyProfile, Employee


def message_only(base: ReachabilityFn) -> ReachabilityFn:
    """Nobody is reachable: every transfer is refused where the tool runs and a message is
    offered. The caller is not told why (that would coach a spoofer)."""

    def check(employee: Employee, company: CompanyProfile, at: datetime) -> Reachability:
        answer = base(employee, company, at)
        if not answer.reachable:
            return answer
        first = employee.name.split()[0] if employee.name.split() else employee.name
        return Reachability(
            False,
            ReachabilityReason.CALLER_UNVERIFIED,
            f"{first} can't take calls right now. I can take a message.",
        )

    return check
