"""What the fake remembers about traffic: each request, and each call it placed or transferred."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from google.protobuf.message import Message


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake understood it; `error` is the Twirp code answered, if any."""

    service: str
    method: str
    request: Message
    identity: str
    encoding: Literal["protobuf", "json"]
    error: str | None = None


@dataclass(slots=True)
class CallRecord:
    """One dial (CreateSIPParticipant), transfer, or simulated inbound call, and how it ended."""

    kind: Literal["dial", "transfer", "inbound"]
    number: str
    room: str
    identity: str
    call_id: str
    trunk_id: str = ""
    result: Literal["ringing", "answered", "failed", "canceled"] = "ringing"
    sip_status: int | None = None
