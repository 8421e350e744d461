"""What each Twilio webhook means for Switchboard, independent of HTTP.

The web layer validates and parses; this service decides: forward-only status updates, employee
status keywords by SMS, inbound SMS and voicemails that become messages. Every handler is idempotent
on the key the route gives it (Twilio's idempotency token, or SID + status), so Twilio's replays
change nothing. The key is stored in the same transaction as the write it guards (never before it),
so a webhook that failed half-way — the database blipped, the process died — is done in full by
Twilio's retry instead of being skipped as "seen": no inbound SMS or voicemail is lost that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from switchboard.domain.directory import EmployeeStatus
from switchboard.domain.follow_ups import voicemail_text
from switchboard.domain.messages import MAX_TEXT_LENGTH
from switchboard.domain.notifications import status_from_twilio
from switchboard.domain.phone import is_e164, mask
from switchboard.logs import get_logger
from switchboard.ports.calls import MessageDesk, MessageRequest
from switchboard.ports.clock import Clock
from switchboard.ports.webhooks import (
    CallStatusStore,
    EmployeeStatusStore,
    InboundSmsLog,
    StatusCallbackWriter,
    VoicemailStore,
    VoicemailTranscriber,
)

log = get_logger(__name__)

KEYWORDS = {
    "AWAY": EmployeeStatus.OUT_OF_OFFICE,
    "BACK": EmployeeStatus.AVAILABLE,
    "DND": EmployeeStatus.DND,
}
KEYWORD_REPLIES = {
    EmployeeStatus.OUT_OF_OFFICE: "You are now away. Callers will be offered a message.",
    EmployeeStatus.AVAILABLE: "Welcome back. Calls will be put through to you again.",
    EmployeeStatus.DND: "Do not disturb is on. Callers will be offered a message.",
}
HELP_REPLY = "Switchboard: reply AWAY, BACK or DND to change your status."


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where messages with no named recipient (inbound SMS, voicemail) go: the front desk."""

    kind: str  # "employee" | "department"
    id: str


@dataclass(frozen=True, slots=True)
class WebhookCollaborators:
    # Message status callbacks: the receipt and the forward-only update in one transaction.
    status_writer: StatusCallbackWriter
    calls: CallStatusStore
    employees: EmployeeStatusStore
    inbound: InboundSmsLog
    voicemails: VoicemailStore
    desk: MessageDesk
    clock: Clock
    front_desk: Recipient
    # Optional: voicemails transcribed into the message text (VOICEMAIL_TRANSCRIPTION).
    transcriber: VoicemailTranscriber | None = None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class WebhookService:
    def __init__(self, collaborators: WebhookCollaborators) -> None:
        self._c = collaborators

    async def status_callback(self, params: Mapping[str, str], key: str) -> None:
        """A message or call status callback: move the notification / call record forward."""
        now = self._c.clock.now()
        if "MessageSid" in params:
            status = status_from_twilio(params.get("MessageStatus", ""))
            if status is None:
                return  # e.g. "receiving": nothing to record about a delivery
            code = params.get("ErrorCode") or None
            sid = params["MessageSid"]
            found = await self._c.status_writer.apply_once(key, sid, status, code, now)
            if found is None:
                return  # a retry or replay: already handled
            if not found:
                log.info("status for unknown message", sid=params["MessageSid"])
            return
        duration = _int(params.get("CallDuration"))
        await self._c.calls.record_call_status(
            params["CallSid"], params.get("CallStatus", ""), now, duration=duration, once_key=key
        )

    async def inbound_sms(self, params: Mapping[str, str], key: str) -> str | None:
        """Store an inbound SMS; returns the reply text, or None for no reply.

        Every write is idempotent and the receipt commits with the write it guards, so a delivery
        that failed half-way is done in full by Twilio's retry, and a replay after success changes
        nothing and gets no second reply: the SMS log is keyed by MessageSid, a status keyword's
        receipt commits with the status change, and a message is stored once per key.
        """
        sender, body = params.get("From", ""), params.get("Body", "")
        now = self._c.clock.now()
        await self._c.inbound.store_inbound(
            params.get("MessageSid", key), sender, params.get("To", ""), body, now
        )
        employee = await self._c.employees.employee_by_sms(sender) if sender else None
        if employee is not None:
            status = KEYWORDS.get(body.strip().upper().rstrip(".!"))
            if status is None:
                return HELP_REPLY
            if not await self._c.employees.set_status(employee.id, status, once_key=key):
                return None  # a replay: the first delivery already changed it and replied
            return KEYWORD_REPLIES[status]
        front = self._c.front_desk
        receipt = await self._c.desk.take_message(
            MessageRequest(
                call_id=params.get("MessageSid", key),
                recipient_kind=front.kind,
                recipient_id=front.id,
                caller_name="SMS sender",
                callback_number=sender if is_e164(sender) else "",
                text=body[:MAX_TEXT_LENGTH],
                caller_number=sender or None,
                once_key=key,
            )
        )
        if receipt.duplicate:
            return None  # a replay: the message was stored the first time
        log.info("inbound sms became a message", **{"from": mask(sender)})
        return None

    async def voicemail_started(self, params: Mapping[str, str]) -> None:
        """The fallback is about to record: remember the caller for the recording callback."""
        caller = params.get("From", "")
        await self._c.voicemails.expect_voicemail(
            params.get("CallSid", ""), caller if is_e164(caller) else None
        )

    async def recording(self, params: Mapping[str, str], key: str) -> None:
        """A finished voicemail recording: it becomes a message for the front desk."""
        if params.get("RecordingStatus", "completed") != "completed":
            return  # "failed"/"absent": nothing to attach; the call record has the status
        if await self._c.voicemails.already_handled(key):
            return  # a replay: the message exists (and transcribing again would cost seconds)
        call_sid = params.get("CallSid", "")
        caller = await self._c.voicemails.voicemail_caller(call_sid)
        seconds = params.get("RecordingDuration", "?")
        url = params.get("RecordingUrl", "")
        said = None  # the recording is linked below (recording_url), not written into the text
        if self._c.transcriber is not None and url:
            said = await self._c.transcriber.transcribe(url)
        text = voicemail_text(seconds, said)
        front = self._c.front_desk
        await self._c.desk.take_message(
            MessageRequest(
                call_id=call_sid,
                recipient_kind=front.kind,
                recipient_id=front.id,
                caller_name="Voicemail",
                callback_number=caller or "",
                text=text,
                caller_number=caller,
                recording_url=params.get("RecordingUrl") or None,
                once_key=key,  # stored with the message: a retry after a failure is not skipped
            )
        )
