"""The Twilio side as doctor sees it: the number, the trunk it is on, that trunk's children.

Reuses setup's `observe_twilio`; the trunk is found through the number (or TWILIO_SIP_TRUNK_ID)
first, so a trunk made by hand in the console is inspected too, not only one `setup` created.
"""

from __future__ import annotations

from switchboard.adapters.provisioning.readers import TwilioView, read_twilio_view_async
from switchboard.services.doctor.context import DoctorContext

__all__ = ["TwilioView", "twilio_view"]


async def twilio_view(ctx: DoctorContext) -> TwilioView:
    """The Twilio side, read once per doctor run."""
    desired = ctx.desired
    number = ctx.settings.twilio_phone_number
    if desired is None or number is None:
        raise ctx.incomplete()

    async def read() -> TwilioView:
        return await read_twilio_view_async(ctx.settings, desired, number, ctx.store, ctx.timeout)

    return await ctx.shared("Twilio", read)
