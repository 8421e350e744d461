"""Provisioning: desired state → observe what is live → plan → apply (`switchboard setup`).

The use cases are here (what the settings ask for, applying a plan); the providers' APIs are
adapters (adapters/provisioning/), reached through ports.provisioning.SetupProviders."""

from switchboard.services.provisioning.apply import ApplyReport, PlanBlocked, apply_plan
from switchboard.services.provisioning.desired import (
    desired_from_settings,
    load_options,
    setup_inputs,
)

__all__ = [
    "ApplyReport",
    "PlanBlocked",
    "apply_plan",
    "desired_from_settings",
    "load_options",
    "setup_inputs",
]
