"""Pair desired resources with live ones and decide what to do with each. Pure."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from switchboard.domain.provisioning import (
    CLAIMS,
    Action,
    Desired,
    Difference,
    Kind,
    Live,
    Plan,
    Step,
    Value,
    in_apply_order,
    overlaps,
    ref,
    resolve,
)
from switchboard.domain.provisioning.notes import step_notes

RESTORED_PASSWORD = "password"
LOCAL_FIELDS = frozenset({"password_stored", "password_matches"})
# Changing the SIP password on Twilio means LiveKit's outbound trunk must learn it too.
_PASSWORD_FOLLOWERS: Mapping[Kind, Kind] = {Kind.CREDENTIAL: Kind.LIVEKIT_OUTBOUND_TRUNK}


def find_match(
    desired: Desired, live: Iterable[Live], ids: Mapping[str, str] | None = None
) -> Live | None:
    """Ours by name first; else anything that is the same thing under another owner.

    `ids` resolves references in claims (a rule for our inbound trunk is "the same thing").
    """
    candidates = [item for item in live if item.kind is desired.kind]
    for item in candidates:
        if item.name == desired.name and (item.managed or item.blocked):
            return item
    for item in candidates:
        if desired.known_id and item.id == desired.known_id:
            return item
    for item in candidates:
        if item.name == desired.name:
            return item
    for item in candidates:
        for claim in CLAIMS.get(desired.kind, ()):
            wanted = resolve(desired.fields.get(claim), ids or {})
            if overlaps(wanted, item.fields.get(claim)):
                return item
    return None


def differences(desired: Desired, live: Live, ids: Mapping[str, str]) -> tuple[Difference, ...]:
    """Fields whose live value differs from the desired one, references resolved."""
    out = []
    for name, wanted in desired.fields.items():
        wanted = resolve(wanted, ids)
        current = live.fields.get(name)
        if not _same(wanted, current):
            out.append(Difference(name, current, wanted))
    return tuple(out)


def _decide(desired: Desired, match: Live | None, ids: Mapping[str, str], adopt: bool) -> Step:
    if match is None:
        return Step(desired, Action.CREATE)
    if match.blocked:
        return Step(desired, Action.BLOCKED, match, reason=match.blocked)
    if match.kind is Kind.PHONE_NUMBER and not match.fields.get("trunk_sid"):
        return Step(desired, Action.CREATE, match)  # a free number: associating it is a create
    diffs = differences(desired, match, ids)
    ours = match.managed and match.name == desired.name
    if ours:
        return Step(desired, Action.DRIFTED if diffs else Action.UNCHANGED, match, diffs)
    if adopt:
        return Step(desired, Action.UPDATE, match, diffs, reason="taken over (--adopt)")
    if desired.kind is Kind.SMS_WEBHOOK:
        # The number's SMS settings are not a resource someone owns: with WEBHOOK_BASE_URL set,
        # setup points them at switchboard, and the plan shows what they were.
        return Step(desired, Action.UPDATE, match, diffs, reason="texts will go to switchboard")
    return Step(
        desired,
        Action.BLOCKED,
        match,
        diffs,
        reason=(
            f"{match.id or match.name} already exists but was not created by switchboard; "
            "run with --adopt to take it over"
        ),
    )


def plan(
    desired: Sequence[Desired],
    live: Iterable[Live],
    *,
    adopt: bool = False,
    reset_passwords: Collection[str] = (),
) -> Plan:
    """One step per desired resource, in apply order.

    `reset_passwords` names SIP usernames whose Twilio password must be set again from the secret
    store (a restored backup); the LiveKit outbound trunk then follows.
    """
    desired = in_apply_order(desired)
    live = list(live)
    ids: dict[str, str] = {}
    matches = []
    for d in desired:  # apply order: a parent's id is known before its children are matched
        match = find_match(d, live, ids)
        matches.append(match)
        if match is not None and match.id:
            ids.setdefault(ref(d.kind), match.id)
    steps = [_decide(d, m, ids, adopt) for d, m in zip(desired, matches, strict=True)]
    steps = [_reset(s, reset_passwords) for s in steps]
    steps = [replace(s, notes=step_notes(s)) for s in _cascade_password(steps)]
    return Plan(tuple(steps))


def _reset(step: Step, usernames: Collection[str]) -> Step:
    wanted = step.desired.kind is Kind.CREDENTIAL and step.desired.name in usernames
    if not wanted or step.action is not Action.UNCHANGED:
        return step
    diff = Difference(RESTORED_PASSWORD, "(current)", "(from backup)")
    return Step(step.desired, Action.DRIFTED, step.live, (diff,))


def live_setup(plan: Plan) -> tuple[Desired, ...]:
    """What is live and ours, in desired form (ids turned back into references), for a backup.

    Fields that describe this machine rather than the provider (do we hold the password) keep
    their desired value, so a backup never asks for a worse state.
    """
    ids = plan.live_ids()
    reverse: dict[str, str] = {}
    for name, live_id in ids.items():  # apply order: a parent wins over a child sharing its id
        reverse.setdefault(live_id, name)
    out = []
    for step in plan.steps:
        live = step.live
        if live is None or step.action not in (Action.UNCHANGED, Action.DRIFTED):
            continue
        fields: dict[str, Value] = {}
        for name, wanted in step.desired.fields.items():
            current = live.fields.get(name)
            if name in LOCAL_FIELDS or _same(resolve(wanted, ids), current):
                fields[name] = wanted
            else:
                fields[name] = _unresolve(current, reverse)
        out.append(Desired(step.desired.kind, step.desired.name, fields))
    return tuple(out)


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return sorted(a) == sorted(b)
    return a == b


def _unresolve(value: Value, reverse: Mapping[str, str]) -> Value:
    if isinstance(value, str):
        return reverse.get(value, value)
    if isinstance(value, tuple):
        return tuple(reverse.get(v, v) for v in value)
    return value


def _cascade_password(steps: list[Step]) -> list[Step]:
    changed = {s.desired.kind for s in steps if s.action in (Action.CREATE, Action.DRIFTED)}
    out = []
    for step in steps:
        follows = any(_PASSWORD_FOLLOWERS.get(k) is step.desired.kind for k in changed)
        if follows and step.action is Action.UNCHANGED:
            diff = Difference("auth_password", "(current)", "(new password)")
            step = Step(step.desired, Action.DRIFTED, step.live, (*step.differences, diff))
        out.append(step)
    return out
