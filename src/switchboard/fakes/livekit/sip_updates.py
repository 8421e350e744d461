"""UpdateSIPInboundTrunk / UpdateSIPOutboundTrunk / UpdateSIPDispatchRule: `replace` or `update`.

`replace` swaps the whole object (keeping id and created_at); `update` applies only the fields set
in the partial message, and list fields through LiveKit's ListUpdate. The result is validated again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from google.protobuf.message import Message
from livekit.protocol.models import ListUpdate
from livekit.protocol.sip import (
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
    UpdateSIPInboundTrunkRequest,
    UpdateSIPOutboundTrunkRequest,
)

from switchboard.fakes.livekit.auth import Caller, require_sip_admin
from switchboard.fakes.livekit.errors import invalid, not_found
from switchboard.fakes.livekit.sip_trunks import (
    TRUNK_NOT_FOUND,
    validate_inbound,
    validate_outbound,
)
from switchboard.fakes.livekit.state import FakeState

M = TypeVar("M", bound=Message)


def apply_list_update(current: Iterable[str], update: ListUpdate) -> list[str]:
    """LiveKit's ListUpdate: `clear`, or `set` to replace, else `remove` then `add`."""
    # upstream: livekit/protocol@28e604c:livekit/types.go:480 (ListUpdate.Apply)
    if update.set and (update.add or update.remove):
        raise invalid("list update cannot combine 'set' with 'add' or 'remove'")
    if update.clear:
        return []
    values = list(update.set) if update.set else list(current)
    values = [v for v in values if v not in update.remove]
    return values + [v for v in update.add if v not in values]


def apply_update(
    store: dict[str, M],
    object_id: str,
    req: Any,
    *,
    id_field: str,
    list_fields: Iterable[str],
    validate: Callable[[M], None],
    missing: str,
) -> M:
    """Apply an Update*Request (`replace` or `update` oneof `action`) to `store[object_id]`.

    The caller holds the state lock; the stored object is only replaced once `validate` passes.
    """
    if not object_id:
        raise invalid(f"{id_field.replace('_', ' ')} must be set")
    current = store.get(object_id)
    if current is None:
        raise not_found(missing)
    result: Any = type(current)()
    action = req.WhichOneof("action")
    if action == "replace":
        if getattr(req.replace, id_field) not in ("", object_id):
            raise invalid("id in the info must be empty or match the id in the update")
        result.CopyFrom(req.replace)
        result.created_at.CopyFrom(getattr(current, "created_at"))  # noqa: B009 - typed as Message
    elif action == "update":
        result.CopyFrom(current)
        _apply_partial(result, req.update, set(list_fields))
    else:
        raise invalid("missing or unsupported update action")
    setattr(result, id_field, object_id)
    validate(result)
    result.updated_at.GetCurrentTime()
    store[object_id] = result
    return result  # type: ignore[no-any-return]


def _apply_partial(target: Any, update: Any, list_fields: set[str]) -> None:
    for field, value in update.ListFields():
        name = field.name
        if name in list_fields:
            values = apply_list_update(getattr(target, name), value)
            target.ClearField(name)
            getattr(target, name).extend(values)
        elif field.message_type is not None and field.message_type.GetOptions().map_entry:
            # A non-empty attributes map replaces the old one, as the Go Apply does.
            getattr(target, name).clear()
            getattr(target, name).update(value)
        elif field.message_type is not None:
            getattr(target, name).CopyFrom(value)
        else:
            setattr(target, name, value)


async def update_inbound(
    state: FakeState, caller: Caller, req: UpdateSIPInboundTrunkRequest
) -> SIPInboundTrunkInfo:
    """UpdateSIPInboundTrunk: replace or update, then the inbound rules again."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:559-570,740 (Update.Apply, Replace keeps the id)
    require_sip_admin(caller)
    with state.lock:
        return apply_update(
            state.inbound_trunks,
            req.sip_trunk_id,
            req,
            id_field="sip_trunk_id",
            list_fields=("numbers", "allowed_addresses", "allowed_numbers"),
            validate=lambda trunk: validate_inbound(trunk, state),
            missing=TRUNK_NOT_FOUND,
        )


async def update_outbound(
    state: FakeState, caller: Caller, req: UpdateSIPOutboundTrunkRequest
) -> SIPOutboundTrunkInfo:
    """UpdateSIPOutboundTrunk: replace or update, then the outbound rules again."""
    require_sip_admin(caller)
    with state.lock:
        return apply_update(
            state.outbound_trunks,
            req.sip_trunk_id,
            req,
            id_field="sip_trunk_id",
            list_fields=("numbers",),
            validate=validate_outbound,
            missing=TRUNK_NOT_FOUND,
        )
