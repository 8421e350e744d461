"""The desired state from settings and `switchboard.yaml`, and the provider clients to compare it with."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from livekit.api import LiveKitAPI
from twilio.rest import Client

from switchboard.adapters.twilio import make_twilio_client
from switchboard.adapters.twilio.signalling import twilio_signalling_ranges
from switchboard.domain.provisioning import Desired, Live, Plan
from switchboard.domain.provisioning_desired import (
    ProvisioningConfigError,
    SetupInputs,
    SetupOptions,
    desired_state,
)
from switchboard.domain.provisioning_options import parse_setup_options
from switchboard.domain.provisioning_plan import plan
from switchboard.domain.provisioning_sources import edges_in_use
from switchboard.services.provisioning.observe import observe
from switchboard.services.provisioning.secrets import SecretStore
from switchboard.settings import Settings

SETUP_FILE = Path("switchboard.yaml")
_REQUIRED = (
    "twilio_account_sid",
    "twilio_auth_token",
    "twilio_phone_number",
    "livekit_url",
    "livekit_api_key",
    "livekit_api_secret",
    "livekit_sip_uri",
)


def load_options(path: Path | None = None, *, production: bool = False) -> SetupOptions:
    """`switchboard.yaml` (or `path`) validated; defaults when the default file is absent (in
    production those defaults encrypt SIP: see `parse_setup_options`)."""
    target = path or SETUP_FILE
    if path is None and not target.exists():
        return parse_setup_options(None, production=production)
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProvisioningConfigError(f"{target}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ProvisioningConfigError(f"{target}: not valid YAML ({exc})") from None
    options = parse_setup_options(data, production=production)
    try:  # edge names are known from the packaged data, not to the pure parser
        edges_in_use(twilio_signalling_ranges(), options)
    except ProvisioningConfigError as exc:
        raise ProvisioningConfigError(f"switchboard.yaml: {exc}") from None
    return options


def setup_inputs(settings: Settings) -> SetupInputs:
    """The settings the set-up needs; every missing one is named."""
    missing = [name.upper() for name in _REQUIRED if getattr(settings, name) is None]
    sid, number = settings.twilio_account_sid, settings.twilio_phone_number
    sip_uri = settings.livekit_sip_uri
    if missing or sid is None or number is None or sip_uri is None:
        raise ProvisioningConfigError("set these first: " + ", ".join(missing))
    return SetupInputs(
        account_sid=sid,
        phone_number=number,
        livekit_sip_uri=sip_uri,
        agent_name=settings.livekit_agent_name,
        merge_strategy=settings.transfer_merge_strategy.value,
        webhook_base_url=settings.webhook_base_url,
        trunk_sid=settings.twilio_sip_trunk_id,
        sms_number=settings.twilio_sms_number,
        signalling=twilio_signalling_ranges(),
    )


def desired_from_settings(settings: Settings, options: SetupOptions) -> tuple[Desired, ...]:
    """The whole set-up these settings and options ask for."""
    return desired_state(setup_inputs(settings), options)


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
