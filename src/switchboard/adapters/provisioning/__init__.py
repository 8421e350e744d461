"""The providers' set-up APIs: Twilio Elastic SIP Trunking and LiveKit SIP, observed and changed
one resource at a time, with provider failures explained in plain words."""

from switchboard.adapters.provisioning.errors import (
    PROVIDER_FAILURES,
    ProviderUnavailable,
    explain_provider_error,
)
from switchboard.adapters.provisioning.observe import observe, observe_livekit, observe_twilio
from switchboard.adapters.provisioning.providers import Providers, open_providers
from switchboard.adapters.provisioning.secrets import SecretStore, generate_password
from switchboard.adapters.provisioning.twilio_ops import ProvisioningError

__all__ = [
    "PROVIDER_FAILURES",
    "ProviderUnavailable",
    "Providers",
    "ProvisioningError",
    "SecretStore",
    "explain_provider_error",
    "generate_password",
    "observe",
    "observe_livekit",
    "observe_twilio",
    "open_providers",
]
