"""Carry out one plan step on Twilio with the real (blocking) client. Run it in a worker thread."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from twilio.rest import Client

from switchboard.adapters.provisioning.numbers import find_number
from switchboard.adapters.provisioning.secrets import SecretStore, generate_password
from switchboard.domain.errors import SwitchboardError
from switchboard.domain.provisioning import Action, Kind, Step, ref, resolve
from switchboard.domain.provisioning.plan import RESTORED_PASSWORD


class ProvisioningError(SwitchboardError, RuntimeError):
    """A step cannot be carried out for a reason of ours (not the provider's)."""


def _need(ids: Mapping[str, str], kind: Kind) -> str:
    value = ids.get(ref(kind))
    if not value:
        raise ProvisioningError(f"the {kind.value} this step depends on does not exist yet")
    return value


def _fields(step: Step, ids: Mapping[str, str]) -> dict[str, Any]:
    return {k: resolve(v, ids) for k, v in step.desired.fields.items()}


def apply_twilio_step(
    client: Client,
    step: Step,
    ids: Mapping[str, str],
    store: SecretStore,
    new_secrets: MutableMapping[str, str],
) -> str:
    """Create, fix or take over one Twilio resource; answer its id."""
    kind, name = step.desired.kind, step.desired.name
    live_id = "" if step.live is None or step.action is Action.CREATE else step.live.id
    create = not live_id
    fields = _fields(step, ids)
    if kind is Kind.TWILIO_TRUNK:
        params = {
            "friendly_name": name,
            "domain_name": fields["domain_name"],
            "transfer_mode": fields["transfer_mode"],
            "secure": fields["secure"],
        }
        if fields["disaster_recovery_url"]:
            params["disaster_recovery_url"] = fields["disaster_recovery_url"]
            params["disaster_recovery_method"] = "POST"
        elif not create:
            params["disaster_recovery_url"] = ""  # clears it
        trunks = client.trunking.v1.trunks
        return str((trunks.create(**params) if create else trunks(live_id).update(**params)).sid)
    if kind is Kind.CREDENTIAL_LIST:
        lists = client.sip.credential_lists
        made = lists.create(friendly_name=name) if create else lists(live_id).update(name)
        return str(made.sid)
    if kind is Kind.CREDENTIAL:
        return _credential(client, step, ids, store, new_secrets)
    if kind is Kind.SMS_WEBHOOK:
        sid = _number_sid(client, step)
        client.incoming_phone_numbers(sid).update(**fields)
        return sid
    trunk = client.trunking.v1.trunks(_need(ids, Kind.TWILIO_TRUNK))
    if kind is Kind.TRUNK_CREDENTIAL_LIST:
        if not create:
            trunk.credentials_lists(live_id).delete()  # a stale attachment: replace it
        sid = fields["credential_list_sid"]
        return str(trunk.credentials_lists.create(credential_list_sid=sid).sid)
    if kind is Kind.ORIGINATION_URL:
        params = {**fields, "friendly_name": name}
        urls = trunk.origination_urls
        return str((urls.create(**params) if create else urls(live_id).update(**params)).sid)
    if kind is Kind.PHONE_NUMBER:
        return _number(client, trunk, step)
    raise ProvisioningError(f"{kind.value} is not a Twilio resource")


def _credential(
    client: Client,
    step: Step,
    ids: Mapping[str, str],
    store: SecretStore,
    new_secrets: MutableMapping[str, str],
) -> str:
    username, live = step.desired.name, step.live
    creds = client.sip.credential_lists(_need(ids, Kind.CREDENTIAL_LIST)).credentials
    if step.action is Action.CREATE or live is None:
        # A password restored from a backup is reused; otherwise a new one is made.
        password = store.get(username)
        if password is None:
            password = new_secrets[username] = generate_password()
        made = creds.create(username=username, password=password)
    else:
        restored = store.get(username) if _restoring(step) else None
        password = restored or generate_password()
        if restored is None:
            new_secrets[username] = password
        # Replace rather than update: nothing refers to a credential's SID, and delete + create
        # is supported by every Twilio-compatible server (the local fake has no update).
        creds(live.id).delete()
        made = creds.create(username=username, password=password)
    store.put(username, password)
    return str(made.sid)


def _restoring(step: Step) -> bool:
    return any(d.field == RESTORED_PASSWORD for d in step.differences)


def _number_sid(client: Client, step: Step) -> str:
    """The PN… SID of the step's number: the observed one, else found by exact match."""
    if step.live is not None and step.live.id:
        return step.live.id
    found = find_number(client, step.desired.name)
    if found is None:
        raise ProvisioningError(f"{step.desired.name} is not a phone number on this Twilio account")
    return str(found.sid)


def _number(client: Client, trunk: Any, step: Step) -> str:
    live = step.live
    pn_sid = _number_sid(client, step)
    if live is not None and live.fields.get("trunk_sid"):
        old = str(live.fields["trunk_sid"])
        client.trunking.v1.trunks(old).phone_numbers(pn_sid).delete()
    trunk.phone_numbers.create(phone_number_sid=pn_sid)
    return pn_sid
