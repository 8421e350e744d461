"""The Twilio adapter: client factories (with the TWILIO_API_BASE_URL hook) and error triage."""

from switchboard.adapters.twilio.client import (
    DEFAULT_TIMEOUT,
    async_twilio_client,
    close_async_client,
    make_async_twilio_client,
    make_twilio_client,
)
from switchboard.adapters.twilio.errors import TwilioErrorInfo, classify_twilio_error
from switchboard.adapters.twilio.http import (
    AsyncBaseUrlHttpClient,
    BaseUrlHttpClient,
    rewrite_twilio_url,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncBaseUrlHttpClient",
    "BaseUrlHttpClient",
    "TwilioErrorInfo",
    "async_twilio_client",
    "classify_twilio_error",
    "close_async_client",
    "make_async_twilio_client",
    "make_twilio_client",
    "rewrite_twilio_url",
]
