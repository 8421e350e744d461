"""Provisioning: desired state → observe what is live → plan → apply (`switchboard setup`)."""

from switchboard.services.provisioning.apply import ApplyReport, PlanBlocked, apply_plan
from switchboard.services.provisioning.errors import (
    PROVIDER_FAILURES,
    ProviderUnavailable,
    explain_provider_error,
)
from switchboard.services.provisioning.observe import observe, observe_livekit, observe_twilio
from switchboard.services.provisioning.providers import (
    Providers,
    desired_from_settings,
    load_options,
    open_providers,
    setup_inputs,
)
from switchboard.services.provisioning.secrets import SecretStore, generate_password
from switchboard.services.provisioning.twilio_ops import ProvisioningError

__all__ = [
    "PROVIDER_FAILURES",
    "ApplyReport",
    "PlanBlocked",
    "ProviderUnavailable",
    "Providers",
    "ProvisioningError",
    "SecretStore",
    "apply_plan",
    "desired_from_settings",
    "explain_provider_error",
    "generate_password",
    "load_options",
    "observe",
    "observe_livekit",
    "observe_twilio",
    "open_providers",
    "setup_inputs",
]
