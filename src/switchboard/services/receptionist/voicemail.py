"""A department's after-hours voicemail (docs/call-behaviour.md, "After hours"): the receptionist
says the department is closed and to leave a message after the tone, the line's recorder
(ports/voicemail.py) plays the tone and records the caller, and the recording becomes a message
for the department through the normal outbox (its recipients' SMS, email and chat).

Never lost: a recording that could not be transcribed still becomes a message ("(voicemail, not
transcribed)", the recording linked); a caller who hangs up mid-message leaves what was recorded;
only a recording in which nothing was heard leaves no message (the call record says so). Nothing
private is spoken: the lines name the department only, and pass the usual output filter.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from switchboard.domain.directory import Department
from switchboard.domain.follow_ups import voicemail_text
from switchboard.domain.messages import MAX_TEXT_LENGTH
from switchboard.domain.phone import is_e164
from switchboard.domain.redaction import redact_contact_details
from switchboard.logs import get_logger
from switchboard.ports.calls import MessageRequest
from switchboard.ports.voicemail import VoicemailEnd, VoicemailError, VoicemailRecording
from switchboard.services.receptionist.deps import ReceptionistDeps, VoicemailBox

if TYPE_CHECKING:
    from switchboard.services.receptionist.tools import ReceptionistTools

log = get_logger(__name__)

TYPED_HEAD = "Voicemail (typed on a text call, no recording): "


def prompt_line(department: Department) -> str:
    return (
        f"We're closed right now. Please leave a message for {department.name} after the tone, "
        "with your name and number. When you're finished, just hang up."
    )


def thanks_line(department: Department) -> str:
    return f"Thank you. Your message for {department.name} has been saved. Goodbye."


NOTHING_HEARD_LINE = "I didn't hear a message. Please call again during business hours. Goodbye."
NOT_SAVED_LINE = "I'm sorry, I couldn't save your message. Please call again later. Goodbye."


def message_text(recording: VoicemailRecording, said: str | None) -> str:
    """The message text: the caller's words, or "(voicemail, not transcribed)" (the recording is
    the message's `recording_url`, linked by the notifications)."""
    if recording.typed:
        words = " ".join((recording.text or "").split())
        return (TYPED_HEAD + words)[:MAX_TEXT_LENGTH]
    return voicemail_text(str(round(recording.seconds)), said)


async def take_voicemail(
    tools: ReceptionistTools, department: Department, caller_name: str, box: VoicemailBox
) -> str:
    """The whole voicemail, start to end of the call: prompt, tone, recording, message, goodbye."""
    d, state = tools.deps, tools.deps.state
    state.other_requested = True
    state.voicemail = True  # the call's outcome is `voicemail` from here on
    d.record("decision", decision="voicemail", department_id=department.id)
    await _say(d, box, prompt_line(department))
    try:
        recording = await box.recorder.record(d.call, box.limits)
    except VoicemailError as exc:
        log.warning("voicemail.not_recorded", department_id=department.id, error=str(exc))
        recording = VoicemailRecording(VoicemailEnd.FAILED)
    # How it ended and how long it was: never the words themselves (they are in the message).
    d.record("voicemail", department_id=department.id, ended=recording.ended.value,
             seconds=round(recording.seconds, 1), heard=not recording.empty,
             recorded=recording.audio is not None)  # fmt: skip
    saved = False
    if recording.empty:
        closing = NOTHING_HEARD_LINE
    else:
        saved = await _leave_message(d, box, department, caller_name, recording)
        closing = thanks_line(department) if saved else NOT_SAVED_LINE
    if recording.ended is not VoicemailEnd.HUNG_UP:
        await _say(d, box, closing)
    state.ended = True
    d.record("outcome", outcome=state.outcome().value)
    await d.calls.hang_up(d.call)
    return tools._out("transfer_call", {"status": "voicemail", "saved": saved,
                                        "call_ended": True})  # fmt: skip


async def _say(d: ReceptionistDeps, box: VoicemailBox, text: str) -> None:
    line = redact_contact_details(text, d.directory)
    d.record("agent_turn", text=line)
    await box.recorder.say(d.call, line)


async def _leave_message(
    d: ReceptionistDeps,
    box: VoicemailBox,
    department: Department,
    caller_name: str,
    recording: VoicemailRecording,
) -> bool:
    """Transcribe (when there is audio) and store the message; True once it is in the outbox.
    Cancelled while transcribing (the call is being torn down), it is still stored, untranscribed."""
    url = recording.audio.as_uri() if recording.audio is not None else ""
    said = recording.text  # words the line already has are not transcribed again
    try:
        if not said and recording.audio is not None and box.transcriber is not None:
            said = await box.transcriber.transcribe_file(recording.audio)
    except asyncio.CancelledError:
        await _store(d, department, caller_name, message_text(recording, None), url)
        raise
    except Exception as exc:  # a transcriber must not raise; if one does, the message still goes
        log.warning("voicemail.not_transcribed", error=repr(exc))
    d.record("voicemail_transcribed", transcribed=bool(said and said.strip()))
    try:
        await _store(d, department, caller_name, message_text(recording, said), url)
    except Exception as exc:
        # The WAV file stays where it was written: the log names it.
        log.error("voicemail.not_saved", department_id=department.id, recording=url,
                  error=repr(exc))  # fmt: skip
        return False
    return True


async def _store(
    d: ReceptionistDeps, department: Department, caller_name: str, text: str, url: str
) -> None:
    number = d.call.caller_number if d.call.caller_number and is_e164(d.call.caller_number) else ""
    receipt = await d.messages.take_message(
        MessageRequest(
            call_id=d.call.call_id, recipient_kind="department", recipient_id=department.id,
            caller_name=caller_name or "Voicemail", callback_number=number, text=text,
            caller_number=d.call.caller_number, recording_url=url or None,
        )
    )  # fmt: skip
    d.state.message_id = receipt.message_id
    d.record("voicemail_saved", message_id=receipt.message_id, recipient_id=department.id)
