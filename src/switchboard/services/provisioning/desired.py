"""What the set-up asks for: the settings and `switchboard.yaml`, turned into the desired state
that a plan compares with what is live (adapters/provisioning/)."""

from __future__ import annotations

from pathlib import Path

import yaml

from switchboard.adapters.twilio.signalling import twilio_signalling_ranges
from switchboard.domain.provisioning import Desired
from switchboard.domain.provisioning.desired import (
    ProvisioningConfigError,
    SetupInputs,
    SetupOptions,
    desired_state,
)
from switchboard.domain.provisioning.options import parse_setup_options
from switchboard.domain.provisioning.sources import edges_in_use
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
