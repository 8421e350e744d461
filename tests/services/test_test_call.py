"""`switchboard test-call`'s steps, judged from what a line shows (no network): the dial's
statuses and SIP answer, sound heard on a fake audio source, key presses, and cleanup that
happens whatever went wrong."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence

import pytest

from switchboard.domain.diagnosis import Check, Status
from switchboard.ports.probe_line import DialRefused, MediaUnavailable
from switchboard.services.test_call import (
    SPEECH_FRAMES,
    DialObservation,
    TestCallRequest,
    dial_checks,
    greeting_check,
    heard,
    keypad_check,
    rms,
    run_test_call,
)

LOUD = [3000, -3000] * 80  # a 10 ms frame of speech-level audio (RMS 3000)
QUIET = [3, -2] * 80  # line noise


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def test_an_answer_after_ringing_passes_every_signalling_step() -> None:
    checks = by_name(dial_checks(DialObservation(("dialing", "ringing", "active"), answered=True)))
    assert [checks[n].status for n in ("dial", "ringing", "answered")] == [Status.OK] * 3


@pytest.mark.parametrize(
    ("sip_status", "says"),
    [
        (486, "busy (SIP 486)"),
        (600, "busy (SIP 600)"),
        (603, "declined (SIP 603)"),
        (408, "nobody answered (SIP 408)"),
        (480, "nobody answered (SIP 480)"),
        (503, "failed after ringing: the SIP service is unavailable or overloaded (SIP 503)"),
    ],
)
def test_each_unanswered_ending_is_named(sip_status: int, says: str) -> None:
    seen = DialObservation(("dialing", "ringing"), sip_status=sip_status, error="dial ended")
    checks = by_name(dial_checks(seen))
    assert checks["ringing"].status is Status.OK
    assert checks["answered"].status is Status.FAIL
    assert checks["answered"].summary == says
    assert checks["answered"].fix


def test_a_refusal_before_ringing_is_explained_like_doctor() -> None:
    seen = DialObservation(("dialing",), sip_status=403, error="dial ended: failed (403)")
    checks = by_name(dial_checks(seen))
    assert checks["dial"].status is Status.OK
    assert checks["ringing"].status is Status.FAIL
    assert "credentials or the source address were refused (SIP 403)" in checks["ringing"].summary
    assert "credential list" in checks["ringing"].fix
    assert checks["answered"].summary == "not answered: the call was refused before it rang"
    assert checks["answered"].fix == "see `ringing` above"


def test_livekit_refusing_the_dial_skips_the_later_steps() -> None:
    seen = DialObservation(error="LiveKit dial failed: trunk not found", fix="run setup apply")
    checks = by_name(dial_checks(seen))
    assert checks["dial"].status is Status.FAIL
    assert (
        checks["dial"].summary
        == "LiveKit did not place the call: LiveKit dial failed: trunk not found"
    )
    assert checks["dial"].fix == "run setup apply"
    assert (
        checks["ringing"].summary
        == checks["answered"].summary
        == "not checked: nothing was dialled"
    )


def test_rms() -> None:
    assert rms([]) == 0.0
    assert rms(LOUD) == pytest.approx(3000)


async def frames(
    *chunks: Sequence[int], then_silence: bool = True
) -> AsyncGenerator[Sequence[int], None]:
    for chunk in chunks:
        yield chunk
    while then_silence:
        await asyncio.sleep(0)  # a live line keeps sending quiet frames
        yield QUIET


async def test_speech_is_heard_and_line_noise_is_not() -> None:
    assert await heard(frames(QUIET, *[LOUD] * SPEECH_FRAMES), within=5)
    assert not await heard(frames(*[LOUD] * (SPEECH_FRAMES - 1)), within=0.05)
    assert not await heard(frames(then_silence=False), within=5)  # the track ended


class FakeLine:
    """A ProbeLine with scripted answers; records what was done to it."""

    def __init__(
        self,
        *,
        dial_error: DialRefused | None = None,
        audio: list[Sequence[int]] | None = None,
        keys: list[str] | None = None,
        open_error: Exception | None = None,
        ring_forever: bool = False,
    ) -> None:
        self.dial_error, self.sound, self.keys = dial_error, audio, keys
        self.open_error, self.ring_forever = open_error, ring_forever
        self.done: list[str] = []
        self.ringing = asyncio.Event()
        self.key_asked = asyncio.Event()

    async def open(self, room: str) -> None:
        self.done.append(f"open {room}")
        if self.open_error:
            raise self.open_error

    async def dial(self, room: str, to: str, *, identity: str, ring_seconds: float) -> None:
        self.done.append(f"dial {to}")
        self.ringing.set()
        if self.ring_forever:
            await asyncio.Event().wait()
        if self.dial_error:
            raise self.dial_error

    async def call_status(self, room: str, identity: str) -> str | None:
        return "ringing" if self.ringing.is_set() else "dialing"

    def audio(self, identity: str) -> AsyncGenerator[Sequence[int], None]:
        if self.sound is None:
            raise MediaUnavailable("listening is off")
        return frames(*self.sound)

    async def next_key(self) -> str:
        if self.keys is None:
            raise MediaUnavailable("listening is off")
        await self.key_asked.wait()
        return self.keys.pop(0)

    async def hang_up(self, room: str, identity: str) -> None:
        self.done.append("hang up")

    async def delete_room(self, room: str) -> None:
        self.done.append(f"delete {room}")


REQ = TestCallRequest(to="+13125550100", room="test-call-1", listen_seconds=0.05)
PERSON = TestCallRequest(
    to="+13125550199", room="test-call-2", person=True, listen_seconds=0.05, keypad_seconds=0.05
)


async def test_without_media_the_audio_steps_say_not_checked() -> None:
    checks = by_name(await run_test_call(FakeLine(), PERSON))
    assert checks["greeting"].status is Status.WARN
    assert checks["greeting"].summary == "not checked: listening is off"
    assert checks["keypad"].summary == "not checked: listening is off"


async def test_the_greeting_is_heard_or_its_silence_reported() -> None:
    assert (
        await greeting_check(FakeLine(audio=[LOUD] * 5), REQ)
    ).summary == "heard the agent's greeting"
    silent = await greeting_check(FakeLine(audio=[]), REQ)
    assert silent.status is Status.FAIL
    assert silent.summary == "silence for 0.05 s: the agent's greeting was not heard"
    assert "agent worker's logs" in silent.fix


async def test_a_key_press_arrives_or_its_absence_is_reported() -> None:
    line = FakeLine(keys=["5"])
    check = await keypad_check(line, PERSON, line.key_asked.set)
    assert (check.status, check.summary) == (Status.OK, "key 5 arrived (DTMF)")
    never = FakeLine(keys=["5"])  # the person never gets asked: no key comes
    late = await keypad_check(never, PERSON, lambda: None)
    assert late.status is Status.FAIL
    assert "no key press arrived within 0.05 s" in late.summary
    agent = await keypad_check(FakeLine(keys=["5"]), REQ, lambda: None)
    assert agent.summary == "not checked: only with --to (a person presses a key)"


async def test_cleanup_runs_after_a_refused_dial() -> None:
    line = FakeLine(dial_error=DialRefused("dial ended: busy (486)", sip_status=486))
    checks = by_name(await run_test_call(line, REQ))
    assert checks["answered"].summary == "busy (SIP 486)"
    assert checks["greeting"].summary == "not checked: the call was not answered"
    assert line.done[-2:] == ["hang up", "delete test-call-1"]
    assert checks["cleanup"].status is Status.OK


async def test_cleanup_runs_when_the_room_cannot_be_made() -> None:
    line = FakeLine(open_error=RuntimeError("LiveKit rejected the API key"))
    checks = await run_test_call(line, REQ)
    assert [c.name for c in checks] == ["dial", "cleanup"]
    assert "could not create the test room" in checks[0].summary
    assert line.done == ["open test-call-1", "hang up", "delete test-call-1"]


async def test_a_stopped_test_call_still_hangs_up() -> None:
    """Ctrl-C while the phone rings: the leg and the room still go."""
    line = FakeLine(ring_forever=True)
    running = asyncio.create_task(run_test_call(line, REQ))
    await line.ringing.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert line.done[-2:] == ["hang up", "delete test-call-1"]


async def test_every_step_is_reported_as_it_is_decided() -> None:
    seen: list[str] = []
    line = FakeLine(audio=[LOUD] * 5)
    checks = await run_test_call(line, REQ, report=lambda c: seen.append(c.name))
    assert seen == [c.name for c in checks]
    assert seen == ["dial", "ringing", "answered", "greeting", "keypad", "cleanup"]
    assert by_name(checks)["greeting"].status is Status.OK
