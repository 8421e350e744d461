"""The guardrails that hold whatever the language model says (docs/call-behaviour.md, "Policy"),
gathered from the modules that implement them: emergencies (`emergency`), contact details
never spoken (`redaction`), dialling limits and abusive or looping calls (`call_limits`)."""

from switchboard.domain.call_limits import (
    MAX_ATTEMPTS_PER_EMPLOYEE,
    AttemptLedger,
    CallMonitor,
    dial_target,
)
from switchboard.domain.emergency import is_emergency
from switchboard.domain.redaction import (
    WITHHELD,
    WITHHELD_EMAIL,
    private_numbers,
    redact_contact_details,
    repeats_private_number,
)

__all__ = [
    "MAX_ATTEMPTS_PER_EMPLOYEE",
    "WITHHELD",
    "WITHHELD_EMAIL",
    "AttemptLedger",
    "CallMonitor",
    "dial_target",
    "is_emergency",
    "private_numbers",
    "redact_contact_details",
    "repeats_private_number",
]
