"""Doctor's termination check: LiveKit's outbound trunk against the Twilio trunk it dials.

The address must be the trunk's `*.pstn.twilio.com` domain and the username must be on a
credential list attached to that trunk. Twilio never returns a password, so LiveKit's is compared
with the copy `setup apply` stored (SecretStore); without one the check can only warn.
"""

from __future__ import annotations

from switchboard.domain.diagnosis import SIP_STATUSES, Check, fail, ok, warn
from switchboard.domain.provisioning import Kind
from switchboard.services.doctor.context import DoctorContext, NotChecked
from switchboard.services.doctor.livekit import livekit_view, values
from switchboard.services.doctor.twilio import SETUP
from switchboard.services.doctor.twilio_view import twilio_view


async def check_outbound(ctx: DoctorContext) -> Check:
    """LiveKit's outbound trunk dials the Twilio trunk's domain with an attached credential."""
    name = "livekit.outbound_trunk"
    number = ctx.settings.twilio_phone_number
    live, view = await livekit_view(ctx), await twilio_view(ctx)
    if view.trunk is None:
        raise NotChecked("no Twilio trunk to compare with")
    outbound = [t for t in live if t.kind is Kind.LIVEKIT_OUTBOUND_TRUNK]
    mine = [t for t in outbound if number in values(t, "numbers")] or outbound
    domain = view.trunk.fields.get("domain_name")
    if not mine:
        return fail(name, "no LiveKit outbound trunk: transfers cannot dial out", SETUP)
    trunk = next((t for t in mine if t.fields["address"] == domain), None)
    if trunk is None:
        why_fix = f"set the outbound trunk address to {domain} (a bare host); {SETUP}"
        got = mine[0].fields["address"]
        return fail(
            name, f"outbound trunk address is {got}, but the Twilio trunk is {domain}", why_fix
        )
    username = str(trunk.fields.get("auth_username") or "")
    forbidden = SIP_STATUSES[403]
    if not username or username not in view.attached_usernames:
        return fail(
            name,
            f"username {username or '(none)'} is not on a credential list attached to the Twilio "
            f"trunk: {forbidden.meaning} (SIP 403)",
            f"attach a credential list holding {username or 'the username'} to the Twilio trunk "
            f"(Termination › Authentication), or {SETUP}",
        )
    if _stored(ctx, username) is None:
        return warn(
            name,
            f"address and username {username} match; the password cannot be compared "
            "(Twilio never returns it and this machine has no stored copy)",
            f"copy secrets/sip-credential-{username} from the machine that ran `setup apply` into "
            "SWITCHBOARD_DATA_DIR, or set a new password on both sides",
        )
    if not trunk.fields.get("password_matches"):
        return fail(
            name,
            f"the password differs from the one stored for {username} (SIP 403)",
            f"{SETUP} (it sets the stored password on both sides)",
        )
    return ok(name, f"dials {domain} as {username}")


def _stored(ctx: DoctorContext, username: str) -> str | None:
    try:
        return ctx.store.get(username)
    except ValueError:
        return None  # a username that cannot name a secret file was never stored by setup
