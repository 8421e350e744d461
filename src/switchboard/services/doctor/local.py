"""Doctor checks on this installation: settings, database, SMTP login, the webhook self-test."""

from __future__ import annotations

from urllib.parse import urlparse

from switchboard.adapters.notifications.smtp_probe import probe_smtp
from switchboard.adapters.sqlalchemy import schema_state
from switchboard.adapters.twilio.webhook_probe import send_webhook
from switchboard.domain.diagnosis import Check, fail, ok, warn
from switchboard.services.doctor.context import DoctorContext
from switchboard.settings import LOOPBACK_HOSTS

SELF_TEST_PATH = "/twilio/status"


async def check_settings(ctx: DoctorContext) -> Check:
    """Every setting the set-up needs is present (pydantic already checked their form)."""
    name = "settings"
    if ctx.desired is None:
        return fail(name, ctx.desired_problem, "add them to .env (see .env.example)")
    s = ctx.settings
    if s.webhook_base_url is None:
        return warn(
            name,
            "complete; WEBHOOK_BASE_URL is not set (no SMS replies, status callbacks or fallback)",
            "set WEBHOOK_BASE_URL to this server's public https:// URL when you need them",
        )
    return ok(name, "every setting the set-up needs is present and well-formed")


async def check_database(ctx: DoctorContext) -> Check:
    """The database is at the latest migration; a missing SQLite file is reported, not created."""
    name = "database"
    fix = "run `switchboard db upgrade`"
    url = ctx.settings.effective_database_url
    state = await schema_state(url)
    if state == "missing":
        database = url.split("///", 1)[-1]
        return fail(name, f"the database file {database} does not exist", fix)
    if state == "behind":
        return fail(name, "the database schema is not at the latest migration", fix)
    return ok(name, "migrated to the latest revision")


async def check_smtp(ctx: DoctorContext) -> Check:
    """When SMTP_HOST is set: connect, log in and quit within the time limit."""
    name = "smtp"
    s = ctx.settings
    if not s.smtp_host:
        return ok(name, "SMTP_HOST not set: email notifications are off (skipped)")
    probe = await probe_smtp(s, ctx.timeout)
    if probe.stage == "connect":
        return fail(
            name,
            f"cannot connect to {s.smtp_host}:{s.smtp_port}: {probe.detail}",
            "check SMTP_HOST, SMTP_PORT and SMTP_SECURITY",
        )
    if probe.stage == "login":
        return fail(
            name,
            f"login refused {probe.detail}",
            "check SMTP_USERNAME and SMTP_PASSWORD (an app password for Gmail/365)",
        )
    if probe.stage == "smtp":
        return fail(
            name,
            f"SMTP error: {probe.detail}",
            "check SMTP_SECURITY matches the port (587 starttls, 465 tls)",
        )
    who = f" as {s.smtp_username}" if s.smtp_username else ""
    return ok(name, f"connected to {s.smtp_host}:{s.smtp_port}{who}")


async def check_webhook(ctx: DoctorContext) -> Check:
    """When WEBHOOK_BASE_URL is set: a signed request gets 2xx and an unsigned one 403."""
    name = "webhook"
    s = ctx.settings
    if not s.webhook_base_url:
        return ok(name, "WEBHOOK_BASE_URL not set (skipped)")
    if s.twilio_auth_token is None:
        return fail(
            name,
            "TWILIO_AUTH_TOKEN is not set: nothing can sign or check webhooks",
            "set it in .env",
        )
    url = urlparse(s.webhook_base_url)
    # Twilio only calls public https URLs; plain http is fine only for a local test server.
    local = (url.hostname or "") in LOOPBACK_HOSTS
    signed = await send_webhook(s, SELF_TEST_PATH, request_timeout=ctx.timeout)
    if signed.status is None:
        return fail(
            name,
            f"{signed.url} is unreachable: {signed.error}",
            "start `switchboard serve` and make the URL public (DNS, TLS, firewall)",
        )
    if signed.status == 403:
        return fail(
            name,
            f"a correctly signed request was refused (403) by {signed.url}",
            "the server validates with another TWILIO_AUTH_TOKEN or URL: use the same token, and "
            "set WEBHOOK_BASE_URL to the public URL (or TRUST_FORWARDED_HEADERS behind a proxy)",
        )
    if not 200 <= signed.status < 300:
        return fail(
            name,
            f"{signed.url} answered {signed.status} to a signed request",
            "check the server logs",
        )
    unsigned = await send_webhook(s, SELF_TEST_PATH, signed=False, request_timeout=ctx.timeout)
    if unsigned.status != 403:
        return fail(
            name,
            f"an unsigned request got {unsigned.status}: anyone can forge Twilio webhooks",
            "set TWILIO_VALIDATE_SIGNATURES=true on the server",
        )
    if url.scheme != "https" and not local:
        return warn(
            name,
            f"signatures work, but {s.webhook_base_url} is not https",
            "Twilio needs https:// in production: put TLS in front",
        )
    where = " (loopback: not reachable by Twilio)" if local else ""
    return ok(
        name, f"signed request accepted in {signed.latency_ms:.0f} ms; unsigned refused{where}"
    )
