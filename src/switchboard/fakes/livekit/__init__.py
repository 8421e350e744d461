"""A local LiveKit server fake that speaks the real wire format (Twirp over HTTP, protobuf/JSON).

Drive it with the real `livekit.api.LiveKitAPI`; read and script it through `RunningFake.state`.
See docs/livekit-fake.md.
"""

from switchboard.fakes.livekit.app import create_app
from switchboard.fakes.livekit.inbound import (
    DEFAULT_SOURCE_IP,
    InboundCall,
    InboundRefused,
    simulate_inbound_call,
)
from switchboard.fakes.livekit.outcomes import DialOutcome
from switchboard.fakes.livekit.records import CallRecord, RecordedRequest
from switchboard.fakes.livekit.server import RunningFake, running_livekit_fake
from switchboard.fakes.livekit.state import SERVER_VERSIONS, FakeState, Mode, ServerVersion

__all__ = [
    "DEFAULT_SOURCE_IP",
    "SERVER_VERSIONS",
    "CallRecord",
    "DialOutcome",
    "FakeState",
    "InboundCall",
    "InboundRefused",
    "Mode",
    "RecordedRequest",
    "RunningFake",
    "ServerVersion",
    "create_app",
    "running_livekit_fake",
    "simulate_inbound_call",
]
