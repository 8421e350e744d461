"""A stateful, in-memory fake of the Twilio REST API (API 2010 and Trunking v1).

Point the real `twilio` client at it with TWILIO_API_BASE_URL (see
`switchboard.adapters.twilio.make_twilio_client`); drive it through `FakeTwilioState` or the
`/__fake__/…` control routes. docs/twilio-fake.md has the details.
"""

from switchboard.fakes.twilio.app import create_app
from switchboard.fakes.twilio.faults import Fault, RecipientRule
from switchboard.fakes.twilio.records import CallbackOptions, SentCallback
from switchboard.fakes.twilio.server import RunningTwilioFake, build_server, running_twilio_fake
from switchboard.fakes.twilio.sink import CallbackSink, ReceivedRequest, running_callback_sink
from switchboard.fakes.twilio.state import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    FakeTwilioState,
)

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "CallbackOptions",
    "CallbackSink",
    "FakeTwilioState",
    "Fault",
    "ReceivedRequest",
    "RecipientRule",
    "RunningTwilioFake",
    "SentCallback",
    "build_server",
    "create_app",
    "running_callback_sink",
    "running_twilio_fake",
]
