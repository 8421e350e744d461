"""Doctor checks on the Twilio side: credentials, the number, origination, transfer mode."""

from __future__ import annotations

import asyncio

from twilio.base.exceptions import TwilioRestException

from switchboard.domain.diagnosis import TWILIO_ERRORS, Check, fail, ok
from switchboard.domain.provisioning import Kind, Live
from switchboard.domain.provisioning_desired import sip_host
from switchboard.services.doctor_context import DoctorContext, NotChecked
from switchboard.services.doctor_twilio_view import client_for, twilio_view

SETUP = "run `switchboard setup plan`, then `switchboard setup apply`"


async def check_credentials(ctx: DoctorContext) -> Check:
    """The account SID and auth token are accepted (the account is fetched)."""
    name = "twilio.credentials"
    sid = ctx.settings.twilio_account_sid
    if sid is None or ctx.settings.twilio_auth_token is None:
        return fail(name, "TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN not set", "set both in .env")
    client = client_for(ctx)
    try:
        account = await asyncio.to_thread(client.api.v2010.accounts(sid).fetch)
    except TwilioRestException as exc:
        if exc.status in (401, 403) or exc.code == 20003:
            why = TWILIO_ERRORS[20003]
            return fail(name, f"{why.meaning} (error 20003)", why.fix)
        raise
    status = getattr(account, "status", "active")
    if status != "active":
        return fail(name, f"the Twilio account is {status}", "reactivate it in the Twilio console")
    return ok(name, f"account {sid[:6]}… is active")


async def check_number(ctx: DoctorContext) -> Check:
    """The number is on the account and associated with the trunk."""
    name = "twilio.number"
    view = await twilio_view(ctx)
    number = ctx.settings.twilio_phone_number
    if view.number_sid is None:
        return fail(
            name,
            f"{number} is not a phone number on this Twilio account",
            "buy or port the number in the Twilio console, or fix TWILIO_PHONE_NUMBER",
        )
    if view.trunk is None:
        return fail(name, "no Elastic SIP trunk found for the number", SETUP)
    if view.number_trunk_sid != view.trunk.id:
        where = view.number_trunk_sid or "no trunk"
        return fail(
            name,
            f"{number} is on {where}, not on trunk {view.trunk.name or view.trunk.id}",
            f"associate the number with the trunk (Twilio console › Elastic SIP › Numbers), or {SETUP}",
        )
    return ok(name, f"{number} is on trunk {view.trunk.name or view.trunk.id}")


async def check_origination(ctx: DoctorContext) -> Check:
    """The trunk's origination URL is LiveKit's SIP host with the configured transport."""
    name = "twilio.origination"
    view = await twilio_view(ctx)
    want_url = str(ctx.want(Kind.ORIGINATION_URL).fields["sip_url"])
    if view.trunk is None:
        raise NotChecked("no Twilio trunk to inspect")
    enabled = [u for u in view.origination if u.fields.get("enabled")]
    if not enabled:
        why = TWILIO_ERRORS[32010]
        return fail(name, f"{why.meaning} (error 32010)", why.fix)
    host = sip_host(want_url)
    same_host = [u for u in enabled if _host(u) == host]
    if not same_host:
        urls = ", ".join(str(u.fields.get("sip_url")) for u in enabled)
        why = TWILIO_ERRORS[32011]
        return fail(
            name, f"origination goes to {urls}, not to {host} (calls fail with 32011)", why.fix
        )
    if not any(u.fields.get("sip_url") == want_url for u in same_host):
        got = same_host[0].fields.get("sip_url")
        transport = want_url.rsplit("transport=", 1)[-1]
        return fail(
            name,
            f"origination URL {got} has the wrong transport (want transport={transport})",
            f"set the origination URL to {want_url}; {SETUP}",
        )
    return ok(name, f"origination URL is {want_url}")


def _host(url: Live) -> str | None:
    try:
        return sip_host(str(url.fields.get("sip_url") or ""))
    except ValueError:
        return None


async def check_transfer_mode(ctx: DoctorContext) -> Check:
    """SIP REFER (merge strategy `refer`) needs transfer_mode enable-all."""
    name = "twilio.transfer_mode"
    view = await twilio_view(ctx)
    if view.trunk is None:
        raise NotChecked("no Twilio trunk to inspect")
    mode = view.trunk.fields.get("transfer_mode")
    strategy = ctx.settings.transfer_merge_strategy.value
    if strategy == "refer" and mode != "enable-all":
        return fail(
            name,
            f"the trunk's transfer_mode is {mode}; SIP REFER transfers are declined (603)",
            "set transfer_mode=enable-all and enable PSTN transfer on the Twilio trunk; " + SETUP,
        )
    return ok(name, f"transfer_mode {mode} suits the {strategy} merge strategy")


CHECKS = {
    "twilio.credentials": check_credentials,
    "twilio.number": check_number,
    "twilio.origination": check_origination,
    "twilio.transfer_mode": check_transfer_mode,
}
