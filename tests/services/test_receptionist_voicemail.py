"""A department's after-hours `voicemail`: the receptionist (not the line) decides to record, and
the recording becomes a message for the department through the message desk, never lost."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from tests.support.calls import FakeCallControl, FakeMessageDesk, FakeRecorder
from tests.support.clocks import ManualClock

from switchboard.domain.availability import reachability
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.directory import (
    CompanyProfile,
    Department,
    Directory,
    Employee,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.follow_ups import NOT_TRANSCRIBED
from switchboard.domain.resolution import Resolver
from switchboard.domain.routing.config import AfterHours, AfterHoursAction, RingGroup
from switchboard.ports.voicemail import (
    VoicemailEnd,
    VoicemailError,
    VoicemailLimits,
    VoicemailRecording,
)
from switchboard.services.receptionist.deps import ReceptionistDeps, VoicemailBox
from switchboard.services.receptionist.tools import ReceptionistTools
from switchboard.services.receptionist.voicemail import (
    NOTHING_HEARD_LINE,
    TYPED_HEAD,
    prompt_line,
    thanks_line,
)

HOURS = WeeklyHours(((TimeRange(time(9), time(17)),),) * 5 + ((), ()))
COMPANY = CompanyProfile("Acme", "America/Chicago", HOURS)
ANN = Employee("ann", "Ann Lee", "+13125550101", department="sales", email="ann@acme.example")
SALES = Department(
    "sales", "Sales", ring=RingGroup(), after_hours=AfterHours(AfterHoursAction.VOICEMAIL)
)
DIRECTORY = Directory(COMPANY, (SALES,), (ANN,))
OPEN = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
CLOSED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
LIMITS = VoicemailLimits(max_seconds=30, silence_seconds=3, start_seconds=6)


@dataclass
class FakeVoicemail:
    """A line that records what the test says it recorded; `said` is everything spoken."""

    recording: VoicemailRecording | Exception
    said: list[str] = field(default_factory=list)
    limits: list[VoicemailLimits] = field(default_factory=list)

    async def say(self, call: CallContext, text: str) -> None:
        self.said.append(text)

    async def record(self, call: CallContext, limits: VoicemailLimits) -> VoicemailRecording:
        self.limits.append(limits)
        if isinstance(self.recording, Exception):
            raise self.recording
        return self.recording


@dataclass
class FakeTranscriber:
    words: str | None = "Hi, this is Dana, please call me back about the quote."
    fail: BaseException | None = None
    seen: list[Path] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    hold: asyncio.Event | None = None

    async def transcribe_file(self, path: Path) -> str | None:
        self.seen.append(path)
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.fail is not None:
            raise self.fail
        return self.words


class Tools(ReceptionistTools):
    def __init__(
        self,
        line: FakeVoicemail | None,
        transcriber: FakeTranscriber | None = None,
        now: datetime = CLOSED,
        caller_number: str | None = "+16125550177",
    ) -> None:
        self.calls, self.recorder, self.desk = FakeCallControl(), FakeRecorder(), FakeMessageDesk()
        box = VoicemailBox(line, transcriber, LIMITS) if line is not None else None
        super().__init__(
            ReceptionistDeps(
                directory=DIRECTORY,
                resolver=Resolver.build(DIRECTORY),
                reachability=reachability,
                clock=ManualClock(now, sleep_moves=False),
                calls=self.calls,
                messages=self.desk,
                recorder=self.recorder,
                call=CallContext("c1", "room-1", "caller", caller_number),
                voicemail=box,
            )
        )

    def events(self, kind: str) -> list[dict[str, object]]:
        return [data for k, data in self.recorder.events if k == kind]


def wav_file(tmp_path: Path) -> Path:
    path = tmp_path / "voicemail-c1.wav"
    path.write_bytes(b"RIFF")  # the fake transcriber never reads it
    return path


async def test_find_employee_says_the_department_takes_a_recorded_voicemail() -> None:
    t = Tools(FakeVoicemail(VoicemailRecording(VoicemailEnd.SILENCE)))
    route = json.loads(await t.find_employee("sales"))["route"]
    assert route["kind"] == "voicemail"
    assert route["voicemail"] is True
    assert route["available"] is False
    assert "transfer_call" in route["next"]


async def test_a_voicemail_is_recorded_transcribed_and_left_for_the_department(
    tmp_path: Path,
) -> None:
    audio = wav_file(tmp_path)
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.SILENCE, 12.4, heard=True, audio=audio))
    words = FakeTranscriber()
    t = Tools(line, words)
    out = json.loads(await t.transfer_call("sales", "", ""))  # a voicemail needs no name
    assert out == {"status": "voicemail", "saved": True, "call_ended": True}
    assert line.said == [prompt_line(SALES), thanks_line(SALES)]
    assert line.limits == [LIMITS]
    assert words.seen == [audio]
    [message] = t.desk.taken
    assert (message.recipient_kind, message.recipient_id) == ("department", "sales")
    assert message.text == f"Voicemail (12 s): {words.words}"
    assert message.recording_url == audio.as_uri()
    assert message.callback_number == "+16125550177"
    assert message.caller_name == "Voicemail"
    state = t.deps.state
    assert state.ended
    assert state.outcome() is CallOutcome.VOICEMAIL
    assert t.calls.hung_up == 1
    assert t.calls.dialled == []
    assert t.events("decision") == [{"call_id": "c1", "decision": "voicemail",
                                     "department_id": "sales"}]  # fmt: skip
    [kept] = t.events("voicemail")
    assert kept["ended"] == "silence"
    assert kept["heard"] is True
    assert kept["recorded"] is True
    assert t.events("outcome") == [{"call_id": "c1", "outcome": "voicemail"}]
    assert t.events("voicemail_saved") == [{"call_id": "c1", "message_id": "msg-1",
                                            "recipient_id": "sales"}]  # fmt: skip
    # The call record has how long and how it ended, never the caller's words.
    assert "Dana" not in json.dumps([d for _, d in t.recorder.events])


async def test_a_caller_name_given_before_is_kept_on_the_message(tmp_path: Path) -> None:
    line = FakeVoicemail(
        VoicemailRecording(VoicemailEnd.SILENCE, 5, heard=True, audio=wav_file(tmp_path))
    )
    t = Tools(line, FakeTranscriber())
    await t.transfer_call("sales", "  Dana   Whitfield ", "")
    assert t.desk.taken[0].caller_name == "Dana Whitfield"


async def test_an_empty_recording_leaves_no_message_and_says_so() -> None:
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.NOTHING_SAID, 6.0))
    t = Tools(line, FakeTranscriber())
    out = json.loads(await t.transfer_call("sales", "", ""))
    assert out["saved"] is False
    assert t.desk.taken == []
    assert line.said == [prompt_line(SALES), NOTHING_HEARD_LINE]
    assert t.deps.state.outcome() is CallOutcome.VOICEMAIL
    assert t.events("voicemail")[0]["heard"] is False


async def test_a_caller_who_hangs_up_mid_message_still_leaves_it(tmp_path: Path) -> None:
    audio = wav_file(tmp_path)
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.HUNG_UP, 7.0, heard=True, audio=audio))
    t = Tools(line, FakeTranscriber(words="Call me about the order"))
    await t.transfer_call("sales", "", "")
    [message] = t.desk.taken
    assert message.text == "Voicemail (7 s): Call me about the order"
    assert message.recording_url == audio.as_uri()
    assert line.said == [prompt_line(SALES)]  # nobody is left to thank
    assert t.events("voicemail")[0]["ended"] == "caller_hung_up"


@pytest.mark.parametrize(
    "transcriber",
    [FakeTranscriber(words=None), FakeTranscriber(fail=RuntimeError("whisper broke")), None],
    ids=["no-words", "raises", "no-transcriber"],
)
async def test_a_failed_transcription_still_delivers_the_linked_recording(
    tmp_path: Path, transcriber: FakeTranscriber | None
) -> None:
    audio = wav_file(tmp_path)
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.SILENCE, 9.0, heard=True, audio=audio))
    t = Tools(line, transcriber)
    out = json.loads(await t.transfer_call("sales", "", ""))
    assert out["saved"] is True
    [message] = t.desk.taken
    assert message.text == f"Voicemail (9 s): {NOT_TRANSCRIBED}"  # the link is not in it
    assert message.recording_url == audio.as_uri()
    assert line.said[-1] == thanks_line(SALES)


async def test_the_maximum_length_ends_the_recording_and_it_is_kept(tmp_path: Path) -> None:
    audio = wav_file(tmp_path)
    line = FakeVoicemail(
        VoicemailRecording(VoicemailEnd.MAX_LENGTH, LIMITS.max_seconds, heard=True, audio=audio)
    )
    t = Tools(line, FakeTranscriber(words="a very long story"))
    await t.transfer_call("sales", "", "")
    assert line.limits[0].max_seconds == 30
    assert t.desk.taken[0].text == "Voicemail (30 s): a very long story"
    assert t.events("voicemail")[0]["ended"] == "max_length"


async def test_a_line_that_cannot_record_says_nothing_was_heard() -> None:
    line = FakeVoicemail(VoicemailError("no audio track"))
    t = Tools(line, FakeTranscriber())
    out = json.loads(await t.transfer_call("sales", "", ""))
    assert out["saved"] is False
    assert t.desk.taken == []
    assert t.events("voicemail")[0]["ended"] == "failed"


async def test_a_typed_voicemail_is_kept_as_words_without_a_recording() -> None:
    typed = VoicemailRecording(VoicemailEnd.SILENCE, heard=True, text="Call Dana", typed=True)
    line = FakeVoicemail(typed)
    words = FakeTranscriber()
    t = Tools(line, words)
    await t.transfer_call("sales", "", "")
    [message] = t.desk.taken
    assert message.text == TYPED_HEAD + "Call Dana"
    assert message.recording_url is None
    assert words.seen == []


async def test_words_the_line_already_heard_are_not_transcribed_again(tmp_path: Path) -> None:
    audio = wav_file(tmp_path)
    heard = VoicemailRecording(VoicemailEnd.SILENCE, 6, heard=True, audio=audio, text="Call Dana")
    words = FakeTranscriber()
    t = Tools(FakeVoicemail(heard), words)
    await t.transfer_call("sales", "", "")
    [message] = t.desk.taken
    assert message.text == "Voicemail (6 s): Call Dana"
    assert message.recording_url == audio.as_uri()
    assert words.seen == []


async def test_a_withheld_number_leaves_no_callback_number(tmp_path: Path) -> None:
    line = FakeVoicemail(
        VoicemailRecording(VoicemailEnd.SILENCE, 3, heard=True, audio=wav_file(tmp_path))
    )
    t = Tools(line, FakeTranscriber(), caller_number="anonymous")
    await t.transfer_call("sales", "", "")
    assert t.desk.taken[0].callback_number == ""


async def test_cancelled_while_transcribing_the_message_is_still_stored(tmp_path: Path) -> None:
    audio = wav_file(tmp_path)
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.HUNG_UP, 4, heard=True, audio=audio))
    words = FakeTranscriber(hold=asyncio.Event())  # never finishes by itself
    t = Tools(line, words)
    task = asyncio.create_task(t.transfer_call("sales", "", ""))
    await words.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [message] = t.desk.taken
    assert message.text == f"Voicemail (4 s): {NOT_TRANSCRIBED}"  # the link is not in it


async def test_a_message_desk_failure_is_logged_and_the_caller_told(tmp_path: Path) -> None:
    class BrokenDesk(FakeMessageDesk):
        async def take_message(self, request):  # type: ignore[no-untyped-def]
            raise RuntimeError("database is down")

    line = FakeVoicemail(
        VoicemailRecording(VoicemailEnd.SILENCE, 3, heard=True, audio=wav_file(tmp_path))
    )
    t = Tools(line, FakeTranscriber())
    t.deps.messages = BrokenDesk()
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        out = json.loads(await t.transfer_call("sales", "", ""))
    assert out["saved"] is False
    assert any(e["event"] == "voicemail.not_saved" for e in logs)
    assert "couldn't save" in line.said[-1]


async def test_without_a_recorder_the_agent_takes_a_message_as_before() -> None:
    t = Tools(None)
    out = json.loads(await t.transfer_call("sales", "Dana", "quote"))
    assert out["status"] == "refused"
    assert out["reason"] == "after_hours_voicemail"
    assert "voicemail" not in json.loads(await t.find_employee("sales"))["route"]


async def test_no_voicemail_after_an_emergency_or_during_hours() -> None:
    line = FakeVoicemail(VoicemailRecording(VoicemailEnd.SILENCE, heard=True, text="x"))
    t = Tools(line)
    t.deps.state.emergency = True
    out = json.loads(await t.transfer_call("sales", "", ""))
    assert out["reason"] == "emergency"
    assert line.limits == []
    open_line = FakeVoicemail(VoicemailRecording(VoicemailEnd.SILENCE, heard=True, text="x"))
    during = Tools(open_line, now=OPEN)
    with pytest.raises(Exception, match="caller_name is missing"):
        await during.transfer_call("sales", "", "")  # open: a ring group, which needs a name
    assert open_line.limits == []
