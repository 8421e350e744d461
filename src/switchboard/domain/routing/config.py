"""How a department's calls are routed: its ring group and what happens outside hours.

Pure values, referenced by `Department` (domain/directory.py). The rules that use them live in
`ring_group.py` (who rings now) and `on_call.py` (who is on call at an instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DEFAULT_RING_SECONDS = 20.0


class RingStrategy(StrEnum):
    SIMULTANEOUS = "simultaneous"  # every member's phone rings at once; the first to accept wins
    HUNT = "hunt"  # one member after another, each for `ring_seconds`


@dataclass(frozen=True, slots=True)
class RingGroup:
    """A department's ring group. `members` empty means the department's members in file order."""

    strategy: RingStrategy = RingStrategy.SIMULTANEOUS
    ring_seconds: float = DEFAULT_RING_SECONDS  # per member (per leg)
    members: tuple[str, ...] = ()  # employee ids, in ringing order


class AfterHoursAction(StrEnum):
    MESSAGE = "message"  # take a message (the default, and what happens with no setting)
    ON_CALL = "on_call"  # warm-transfer to the on-call person from the rota
    VOICEMAIL = "voicemail"  # no conversation: the caller's words are kept as a message


@dataclass(frozen=True, slots=True)
class OnCallShift:
    """One dated shift: `person` is on call from `start` to `end`, both days included."""

    start: date
    end: date
    person: str  # an employee id


@dataclass(frozen=True, slots=True)
class OnCallRota:
    """Either a weekly rotation (`people` from the week of `starts`, one week each, in turn) or
    dated shifts. Days are the company's local days; a week starts on the weekday of `starts`."""

    people: tuple[str, ...] = ()
    starts: date | None = None
    shifts: tuple[OnCallShift, ...] = ()

    @property
    def everyone(self) -> tuple[str, ...]:
        """Every employee id the rota names, first mention first."""
        ids = [*self.people, *(s.person for s in self.shifts)]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True, slots=True)
class AfterHours:
    action: AfterHoursAction = AfterHoursAction.MESSAGE
    on_call: OnCallRota | None = None  # required for ON_CALL; also pages for urgent messages


def routing_names(
    ring: RingGroup | None, after_hours: AfterHours | None
) -> tuple[tuple[str, str], ...]:
    """(field, employee id) for every id a department's ring group and rota name, the field in
    the directory file's form ("ring.members", "after_hours.on_call.dates[1].person")."""
    named: list[tuple[str, str]] = []
    if ring is not None:
        named += [("ring.members", i) for i in ring.members]
    rota = after_hours.on_call if after_hours is not None else None
    if rota is not None:
        named += [("after_hours.on_call.people", i) for i in rota.people]
        named += [
            (f"after_hours.on_call.dates[{n}].person", s.person) for n, s in enumerate(rota.shifts)
        ]
    return tuple(named)
