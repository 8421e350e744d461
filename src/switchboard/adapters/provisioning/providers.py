"""Both providers' set-up APIs as one object (implements ports.provisioning.SetupProviders):
Twilio's REST client, LiveKit's SIP service and the local store of generated SIP passwords."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from livekit.api import LiveKitAPI
from twilio.rest import Client

from switchboard.adapters.provisioning.errors import explain_provider_error
from switchboard.adapters.provisioning.livekit_ops import apply_livekit_step
from switchboard.adapters.provisioning.observe import observe
from switchboard.adapters.provisioning.secrets import SecretStore
from switchboard.adapters.provisioning.twilio_ops import apply_twilio_step
from switchboard.adapters.twilio import make_twilio_client
from switchboard.domain.provisioning import Desired, Live, Plan, Step
from switchboard.domain.provisioning.plan import plan
from switchboard.settings import Settings


@dataclass
class Providers:
    """Open clients for both providers plus the local secret store."""

    twilio: Client
    livekit: LiveKitAPI
    store: SecretStore

    async def plan(
        self,
        desired: Sequence[Desired],
        *,
        adopt: bool = False,
        reset_passwords: Collection[str] = (),
    ) -> Plan:
        """Observe what is live and decide what to do."""
        live = await self.observe(desired)
        return plan(desired, live, adopt=adopt, reset_passwords=reset_passwords)

    async def observe(self, desired: Sequence[Desired]) -> list[Live]:
        """Everything live on both providers (the chosen trunk's children included)."""
        return await observe(self.twilio, self.livekit, desired, self.store)

    async def apply_step(
        self, step: Step, ids: Mapping[str, str], new_secrets: dict[str, str]
    ) -> str:
        """Create, fix or take over one resource; answer its id. Twilio's client is synchronous,
        so its steps run in a thread."""
        if step.desired.kind.value.startswith("twilio."):
            return await asyncio.to_thread(
                apply_twilio_step, self.twilio, step, ids, self.store, new_secrets
            )
        return await apply_livekit_step(self.livekit, step, ids, self.store)

    def explain(self, exc: BaseException) -> str:
        """A provider failure in plain words: what went wrong and what to do about it."""
        return explain_provider_error(exc)


@asynccontextmanager
async def open_providers(settings: Settings) -> AsyncIterator[Providers]:
    """Twilio (honouring TWILIO_API_BASE_URL) and LiveKit clients, closed on exit."""
    secret = settings.livekit_api_secret.get_secret_value() if settings.livekit_api_secret else None
    twilio = make_twilio_client(settings)
    livekit = LiveKitAPI(settings.livekit_url, settings.livekit_api_key, secret)
    try:
        yield Providers(twilio, livekit, SecretStore(settings.data_dir))
    finally:
        await livekit.aclose()
