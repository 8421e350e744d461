"""Doctor checks on the Twilio side: credentials, the number, origination, transfer mode, SMS."""

from __future__ import annotations

import asyncio

from switchboard.adapters.provisioning.readers import CredentialsRefused, account_status
from switchboard.domain.diagnosis import TWILIO_ERRORS, Check, fail, ok, warn
from switchboard.domain.provisioning import Desired, Kind, Live
from switchboard.domain.provisioning.desired import sip_host
from switchboard.domain.provisioning.plan import differences
from switchboard.services.doctor.context import DoctorContext, NotChecked
from switchboard.services.doctor.twilio_view import twilio_view

SETUP = "run `switchboard setup plan`, then `switchboard setup apply`"


async def check_credentials(ctx: DoctorContext) -> Check:
    """The account SID and auth token are accepted (the account is fetched)."""
    name = "twilio.credentials"
    sid = ctx.settings.twilio_account_sid
    if sid is None or ctx.settings.twilio_auth_token is None:
        return fail(name, "TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN not set", "set both in .env")
    try:
        status = await asyncio.to_thread(account_status, ctx.settings, ctx.timeout)
    except CredentialsRefused:
        why = TWILIO_ERRORS[20003]
        return fail(name, f"{why.meaning} (error 20003)", why.fix)
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


async def check_sms_webhook(ctx: DoctorContext) -> Check:
    """With WEBHOOK_BASE_URL: texts to the phone and SMS numbers reach /twilio/sms."""
    name = "twilio.sms_webhook"
    if not ctx.settings.webhook_base_url:
        return ok(name, "WEBHOOK_BASE_URL not set (skipped)")
    view = await twilio_view(ctx)
    wanted = [d for d in ctx.desired or () if d.kind is Kind.SMS_WEBHOOK]
    live = {x.name: x for x in view.sms_webhooks}
    services = []
    for want in wanted:
        found = live.get(want.name)
        problem = _sms_problem(want, found)
        if problem is not None:
            return problem
        service = found.fields.get("sms_application_sid") if found else None
        if service:  # a Messaging Service (MG…): _sms_problem failed any other application
            services.append(f"{want.name} is in Messaging Service {service}")
    url = wanted[0].fields["sms_url"] if wanted else None
    if services:
        summary = f"{'; '.join(services)}: texts reach {url} only if the service sends them there"
        return warn(name, summary, _SMS_SERVICE_FIX)
    return ok(name, f"texts to {', '.join(d.name for d in wanted)} go to {url}")


_SMS_CONSOLE = "Twilio Console › Phone Numbers › Active numbers › {number} › Messaging"
# twilio-python 9.13.0 twilio/rest/messaging/v1/service/__init__.py:67: with
# `use_inbound_webhook_on_number` the number's webhook overrides the service's inbound_request_url.
_SMS_SERVICE_FIX = (
    "in the Messaging Service's Integration settings, send incoming messages to the number's "
    "webhook (use_inbound_webhook_on_number) or to the URL above"
)


def _sms_problem(want: Desired, found: Live | None) -> Check | None:
    name, number = "twilio.sms_webhook", want.name
    if found is None or found.blocked:
        return fail(
            name,
            f"{number} is not a phone number on this Twilio account",
            "buy or port the number, or fix TWILIO_PHONE_NUMBER / TWILIO_SMS_NUMBER",
        )
    app = found.fields.get("sms_application_sid")
    url = want.fields["sms_url"]
    if app and not str(app).startswith("MG"):
        return fail(
            name,
            f"texts to {number} go to application {app}, which overrides the number's SMS URL",
            f"remove the application from the number ({_SMS_CONSOLE.format(number=number)}) "
            f"and run `switchboard setup apply`",
        )
    wrong = [d for d in differences(want, found, {}) if d.field != "sms_fallback_url"]
    if wrong:
        now = found.fields.get("sms_url") or "nowhere (no SMS URL)"
        method = found.fields.get("sms_method")
        summary = (
            f"texts to {number} go to {now}, not to {url}"
            if now != url
            else f"texts to {number} reach {url} with HTTP {method}, not POST"
        )
        return fail(
            name,
            summary,
            f"run `switchboard setup apply` (it sets the SMS webhooks), or set 'A message comes "
            f"in' to {url} (HTTP POST) in {_SMS_CONSOLE.format(number=number)}",
        )
    if found.fields.get("sms_fallback_url") != want.fields["sms_fallback_url"]:
        return warn(
            name,
            f"{number}'s SMS fallback URL is not {want.fields['sms_fallback_url']}",
            "run `switchboard setup apply`",
        )
    return None


CHECKS = {
    "twilio.credentials": check_credentials,
    "twilio.number": check_number,
    "twilio.origination": check_origination,
    "twilio.transfer_mode": check_transfer_mode,
    "twilio.sms_webhook": check_sms_webhook,
}
