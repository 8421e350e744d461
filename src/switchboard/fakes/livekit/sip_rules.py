"""livekit.SIP dispatch-rule RPCs.

A rule needs one of `dispatch_rule_direct`, `dispatch_rule_individual` or `dispatch_rule_callee`.
Two rules conflict when they cover the same trunk (or both cover every trunk), the same inbound
numbers (or both cover every number) and the same PIN; LiveKit answers `invalid_argument`.
"""

from __future__ import annotations

from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    DeleteSIPDispatchRuleRequest,
    ListSIPDispatchRuleRequest,
    ListSIPDispatchRuleResponse,
    SIPDispatchRule,
    SIPDispatchRuleInfo,
    UpdateSIPDispatchRuleRequest,
)

from switchboard.fakes.livekit.auth import Caller, require_sip_admin
from switchboard.fakes.livekit.errors import invalid, not_found
from switchboard.fakes.livekit.sip_updates import apply_update
from switchboard.fakes.livekit.state import FakeState, new_id

RULE_NOT_FOUND = "requested sip dispatch rule does not exist"


def _pin(rule: SIPDispatchRule) -> str:
    kind = rule.WhichOneof("rule")
    if kind is None:
        raise invalid("missing rule: set dispatch_rule_direct, _individual or _callee")
    return str(getattr(rule, kind).pin)


def validate_rule(info: SIPDispatchRuleInfo, state: FakeState) -> None:
    """Reject a rule without a kind, or one that overlaps an existing rule."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:833 (Validate) and sip/sip.go:150-200
    # (ValidateDispatchRules: same trunk + number + PIN conflicts); the conflict message is the
    # fake's own wording.
    if not info.HasField("rule"):
        raise invalid("missing rule")
    pin = _pin(info.rule)
    trunks = set(info.trunk_ids) or {""}
    numbers = set(info.inbound_numbers) or {""}
    for other in state.dispatch_rules.values():
        if other.sip_dispatch_rule_id == info.sip_dispatch_rule_id:
            continue
        same_trunk = trunks & (set(other.trunk_ids) or {""})
        same_number = numbers & (set(other.inbound_numbers) or {""})
        if same_trunk and same_number and _pin(other.rule) == pin:
            raise invalid(
                "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for "
                f'"{info.sip_dispatch_rule_id or "<new>"}" and "{other.sip_dispatch_rule_id}"'
            )


async def create_rule(
    state: FakeState, caller: Caller, req: CreateSIPDispatchRuleRequest
) -> SIPDispatchRuleInfo:
    """CreateSIPDispatchRule: accepts the `dispatch_rule` message or the older flat fields."""
    require_sip_admin(caller)
    info = SIPDispatchRuleInfo()
    if req.HasField("dispatch_rule"):
        info.CopyFrom(req.dispatch_rule)
        if info.sip_dispatch_rule_id:
            raise invalid("dispatch rule id must not be set")
    else:
        if req.HasField("rule"):
            info.rule.CopyFrom(req.rule)
        if req.HasField("room_config"):
            info.room_config.CopyFrom(req.room_config)
        info.trunk_ids.extend(req.trunk_ids)
        info.inbound_numbers.extend(req.inbound_numbers)
        info.hide_phone_number = req.hide_phone_number
        info.name, info.metadata, info.room_preset = req.name, req.metadata, req.room_preset
        info.attributes.update(req.attributes)
    with state.lock:
        validate_rule(info, state)
        info.sip_dispatch_rule_id = new_id("SDR_")
        info.created_at.GetCurrentTime()
        state.dispatch_rules[info.sip_dispatch_rule_id] = info
    return info


async def update_rule(
    state: FakeState, caller: Caller, req: UpdateSIPDispatchRuleRequest
) -> SIPDispatchRuleInfo:
    """UpdateSIPDispatchRule: `replace` or field `update`, then the conflict check again."""
    require_sip_admin(caller)
    with state.lock:
        return apply_update(
            state.dispatch_rules,
            req.sip_dispatch_rule_id,
            req,
            id_field="sip_dispatch_rule_id",
            list_fields=("trunk_ids",),
            validate=lambda info: validate_rule(info, state),
            missing=RULE_NOT_FOUND,
        )


async def list_rules(
    state: FakeState, caller: Caller, req: ListSIPDispatchRuleRequest
) -> ListSIPDispatchRuleResponse:
    """ListSIPDispatchRule, filtered by rule ids and by trunk ids when given."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:1133-1160
    require_sip_admin(caller)
    items = [
        rule
        for rule in list(state.dispatch_rules.values())
        if (not req.dispatch_rule_ids or rule.sip_dispatch_rule_id in req.dispatch_rule_ids)
        and (not req.trunk_ids or not rule.trunk_ids or set(rule.trunk_ids) & set(req.trunk_ids))
    ]
    return ListSIPDispatchRuleResponse(items=items)


async def delete_rule(
    state: FakeState, caller: Caller, req: DeleteSIPDispatchRuleRequest
) -> SIPDispatchRuleInfo:
    """DeleteSIPDispatchRule: answers the deleted rule."""
    require_sip_admin(caller)
    if not req.sip_dispatch_rule_id:
        raise invalid("dispatch rule ID is required")
    with state.lock:
        info = state.dispatch_rules.pop(req.sip_dispatch_rule_id, None)
    if info is None:
        raise not_found(RULE_NOT_FOUND)
    return info
