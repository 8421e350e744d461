"""A scenario on the fallback path (`voicemail:`): Twilio could not reach LiveKit, so the caller
left a voicemail. The recording (a WAV file next to the scenario) is served as Twilio serves
recording media, and the webhook service handles Twilio's two callbacks as `serve` does: the
voicemail becomes a front-desk message, transcribed by the offline STT (the `voice` extra; without
it the text says "(voicemail, not transcribed)"), with the recording linked."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from switchboard.adapters.simulator import SimulatedClock
from switchboard.adapters.simulator.recordings import RECORDING_SID, serving_recording
from switchboard.adapters.sqlalchemy import Storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.adapters.sqlalchemy.status_callbacks import GroupCommitStatusWriter
from switchboard.adapters.sqlalchemy.webhook_stores import SqlAlchemyWebhookStores
from switchboard.adapters.voice.voicemail import OfflineVoicemailTranscriber
from switchboard.domain.calls import CallOutcome
from switchboard.domain.directory import Directory
from switchboard.ports.telephony import LiveResources
from switchboard.services.local_call import LocalCallResult
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.directory_cache import front_desk
from switchboard.services.messages.webhooks import WebhookCollaborators, WebhookService
from switchboard.services.scenarios.fields import ScenarioError, known, mapping
from switchboard.services.scenarios.follow_ups import shown_address

CALL_SID = "CAsimulatedvoicemail0000000000000"


def parse_voicemail(path: Path, value: Any) -> dict[str, Any] | None:
    """`voicemail: {audio: dana.wav, seconds: 6}`; the audio file must exist."""
    if value is None:
        return None
    spec = mapping(path, "voicemail", value)
    known(path, "voicemail", spec, {"audio", "seconds"})
    audio = spec.get("audio")
    if not isinstance(audio, str) or not (path.parent / audio).is_file():
        raise ScenarioError(path, "voicemail.audio", f"{audio!r}: no such WAV file next to it")
    seconds = spec.get("seconds", 0)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        raise ScenarioError(path, "voicemail.seconds", "must be a whole number ≥ 0")
    return {"audio": (path.parent / audio).resolve(), "seconds": seconds}


async def leave_voicemail(
    spec: dict[str, Any], storage: Storage, directory: Directory, caller: str | None, start: Any
) -> tuple[LocalCallResult, list[str]]:
    """The fallback path end to end; the result reads like a call that took a message, and the
    failures say what went wrong beyond `expect:` (a recording left unlinked)."""
    clock = SimulatedClock(start)
    outbox = SqlAlchemyMessageOutbox(storage.engine)
    stores = SqlAlchemyWebhookStores(storage.engine, clock)

    async def current() -> Directory:
        return directory

    transcriber = OfflineVoicemailTranscriber(auth=("ACsimulated", "simulated"), budget=120)
    service = WebhookService(
        WebhookCollaborators(
            calls=stores, employees=stores, inbound=stores, voicemails=stores,
            desk=OutboxMessageDesk(outbox, current, clock), clock=clock,
            front_desk=front_desk(directory), status_writer=GroupCommitStatusWriter(storage.engine),
            transcriber=transcriber,
        )
    )  # fmt: skip
    audio = await asyncio.to_thread(Path(spec["audio"]).read_bytes)
    try:
        async with serving_recording(audio) as url:
            await service.voicemail_started({"CallSid": CALL_SID, "From": caller or ""})
            params = {
                "CallSid": CALL_SID, "RecordingSid": RECORDING_SID, "RecordingUrl": url,
                "RecordingStatus": "completed", "RecordingDuration": str(spec["seconds"]),
            }  # fmt: skip
            await service.recording(params, f"recording:{RECORDING_SID}")
    finally:
        transcriber.close()
    found = [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()]
    message: dict[str, Any] | None = None
    notifications: list[dict[str, str]] = []
    failures: list[str] = []
    if found:
        m = found[0].message
        message = {"for": m.recipient_id, "caller_name": m.caller_name,
                   "callback_number": m.callback_number, "text": m.text, "urgent": m.urgent}  # fmt: skip
        if m.recording_url != url:
            failures.append("voicemail: the message does not link the recording")
        notifications = [
            {
                "channel": n.channel.value,
                "to": shown_address(n.channel, n.to),
                "status": n.status.value,
            }
            for n in found[0].notifications
        ]
    result = LocalCallResult(
        call_id=CALL_SID,
        outcome=CallOutcome.MESSAGE_TAKEN if message else CallOutcome.NO_TRANSFER,
        transferred_to=None,
        attempts=[],
        dialed=[],
        message=message,
        notifications=notifications,
        lines=[],
        leftovers=LiveResources(),
        sent_to=[(n.channel.value, n.to) for n in found[0].notifications] if found else [],
        message_id=found[0].message.id if found else None,
    )
    return result, failures
