"""Provisioning: the Twilio + LiveKit SIP set-up as desired state, compared with what is live.

Pure. A `Desired` resource is what the configuration asks for; a `Live` resource is what a provider
reports; `plan()` pairs them and decides one `Action` per desired resource.

Ownership: a Twilio resource is ours when it carries exactly the configured friendly name (phone
numbers: when associated with our trunk); a LiveKit object is ours when its `metadata` carries
`{"managed_by": "switchboard"}`. A live resource that is the same thing under another owner (same
trunk domain, same number, same origination URL, …) is never touched without `adopt`.

References: a field value `"@<kind>"` stands for the id of that kind's resource, resolved at plan
time from what is live and at apply time from what was created.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from switchboard.domain.errors import InvalidInput

MANAGED_BY = "switchboard"
ALL = "*"  # shown for a LiveKit dispatch rule with no trunk ids: it covers every trunk

Value = str | int | bool | tuple[str, ...] | None


class ProvisioningConfigError(InvalidInput, ValueError):
    """`switchboard.yaml` or the settings cannot describe a set-up; one line per problem."""


class Kind(StrEnum):
    """Resource kinds, in the order they must be applied (each depends only on earlier ones).

    The number's routing comes last: once it is on the trunk, live calls reach LiveKit, so the
    inbound trunk and the dispatch rule must exist first. Apply stops at the first error, so a
    failed step before them leaves the number's calls and texts going where they went.
    """

    TWILIO_TRUNK = "twilio.trunk"
    CREDENTIAL_LIST = "twilio.credential_list"
    CREDENTIAL = "twilio.credential"
    TRUNK_CREDENTIAL_LIST = "twilio.trunk_credential_list"
    ORIGINATION_URL = "twilio.origination_url"
    LIVEKIT_INBOUND_TRUNK = "livekit.inbound_trunk"
    LIVEKIT_OUTBOUND_TRUNK = "livekit.outbound_trunk"
    DISPATCH_RULE = "livekit.dispatch_rule"
    SMS_WEBHOOK = "twilio.sms_webhook"  # a number's SMS URLs (only with WEBHOOK_BASE_URL)
    PHONE_NUMBER = "twilio.phone_number"


APPLY_ORDER: tuple[Kind, ...] = tuple(Kind)


def in_apply_order(desired: Iterable[Desired]) -> list[Desired]:
    """`desired` sorted by kind in apply order, keeping the given order within a kind.

    A backup written by an older release may list kinds in its own order; this one decides.
    """
    return sorted(desired, key=lambda d: APPLY_ORDER.index(d.kind))


# Fields whose value identifies "the same thing" even under another name or owner.
CLAIMS: Mapping[Kind, tuple[str, ...]] = {
    Kind.TWILIO_TRUNK: ("domain_name",),
    Kind.ORIGINATION_URL: ("sip_url",),
    Kind.TRUNK_CREDENTIAL_LIST: ("credential_list_sid",),
    Kind.LIVEKIT_INBOUND_TRUNK: ("numbers",),
    Kind.LIVEKIT_OUTBOUND_TRUNK: ("address",),
    Kind.DISPATCH_RULE: ("trunk_ids",),
}


class Action(StrEnum):
    """What apply will do with one resource (see docs/connect-a-real-number.md)."""

    CREATE = "create"  # missing: will be created
    UPDATE = "update"  # someone else's matching resource, taken over because of --adopt
    UNCHANGED = "unchanged"
    DRIFTED = "drifted"  # ours, but live differs from the configuration: apply puts it back
    BLOCKED = "blocked"  # cannot proceed: not ours (without --adopt) or a precondition failed


def ref(kind: Kind) -> str:
    """The placeholder for the id of `kind`'s resource."""
    return f"@{kind.value}"


@dataclass(frozen=True, slots=True)
class Desired:
    """One resource as the configuration wants it. `name` is unique per kind."""

    kind: Kind
    name: str
    fields: Mapping[str, Value] = field(default_factory=dict)
    known_id: str | None = None  # e.g. TWILIO_SIP_TRUNK_ID: that object is "the same thing"


@dataclass(frozen=True, slots=True)
class Live:
    """One resource as a provider reports it."""

    kind: Kind
    id: str
    name: str
    fields: Mapping[str, Value] = field(default_factory=dict)
    managed: bool = True
    blocked: str | None = None  # observed but unusable (e.g. the number is not on the account)


@dataclass(frozen=True, slots=True)
class Difference:
    """One field whose live value is not the desired one."""

    field: str
    live: Value
    desired: Value


@dataclass(frozen=True, slots=True)
class Step:
    """The decision for one desired resource."""

    desired: Desired
    action: Action
    live: Live | None = None
    differences: tuple[Difference, ...] = ()
    reason: str = ""
    notes: tuple[str, ...] = ()  # what else apply replaces or leaves in the way (plan shows it)

    @property
    def pending(self) -> bool:
        """Apply has something to do (or refuses to)."""
        return self.action is not Action.UNCHANGED


@dataclass(frozen=True, slots=True)
class Plan:
    """Every step, in apply order."""

    steps: tuple[Step, ...]

    @property
    def in_sync(self) -> bool:
        """Nothing to do: every resource is live as configured."""
        return not any(step.pending for step in self.steps)

    @property
    def blocked(self) -> tuple[Step, ...]:
        """Steps apply refuses to carry out."""
        return tuple(s for s in self.steps if s.action is Action.BLOCKED)

    def live_ids(self) -> dict[str, str]:
        """`@kind` → id of the matched live resource, for resolving references."""
        return {ref(s.desired.kind): s.live.id for s in self.steps if s.live and s.live.id}


def resolve(value: Value, ids: Mapping[str, str]) -> Value:
    """Replace `@kind` references by ids (unknown references stay as they are)."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, tuple):
        return tuple(ids.get(v, v) for v in value)
    return value


def overlaps(a: Value, b: Value) -> bool:
    """Claims collide: equal scalars, or lists sharing a value.

    A catch-all dispatch rule (`*`) is not "the same thing" as ours: LiveKit lets a rule for one
    trunk coexist with it and prefers the specific rule, so theirs stays untouched.
    """
    if isinstance(a, tuple) and isinstance(b, tuple):
        return bool(set(a) & set(b) - {ALL})
    return a is not None and a == b
