"""One call's parts, built the same way for every call: a real call on the LiveKit worker,
`switchboard call` and `switchboard simulate`. Only the phone line (the `Telephony` adapter under
the warm-transfer coordinator) and, in a simulation, the clock differ.

`switchboard.bootstrap` chooses the adapters (storage, outbox, brain) and builds the one
`CallFactory`; entrypoints receive it and never assemble a call themselves."""

from switchboard.services.calls.factory import (
    BrainFactory,
    CallFactory,
    CallParts,
    CallPolicy,
    CallTaps,
    end_reason,
)
from switchboard.services.calls.resolvers import ResolverCache

__all__ = [
    "BrainFactory",
    "CallFactory",
    "CallParts",
    "CallPolicy",
    "CallTaps",
    "ResolverCache",
    "end_reason",
]
