"""`switchboard test-call`: one real call through the real network, reported step by step.

From a fresh room, the company number (or `--to` a phone of yours) is dialled through the LiveKit
outbound trunk. Each step becomes a doctor-style `Check`:

    dial      LiveKit accepted the dial and the trunk is dialling (the leg is in the room)
    ringing   the far end rings (`sip.callStatus` reached `ringing`)
    answered  the call was answered (`active`), or why not: busy, no answer, declined, failed
    greeting  sound on the answered leg within N seconds (the agent's greeting, or the person)
    keypad    with `--to`: the person presses a key and it arrives (`sip_dtmf_received`)
    cleanup   the leg is hung up and the room deleted, whatever happened before

The phone network is behind the `ProbeLine` port; the judging of what was seen is pure.
"""

# upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:460 (an outbound leg joins the room as
# `dialing`), :695-709 (`ringing` on the first provisional answer from 180 up), :514-520
# (`automation`, then `active` once answered); pkg/sip/participant.go:113-127 (the values).

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from switchboard.domain.diagnosis import Check, Status, explain_sip_status, fail, ok, warn
from switchboard.ports.probe_line import DialRefused, MediaUnavailable, ProbeLine

IDENTITY = "switchboard-test-call"
POLL_SECONDS = 0.2  # how often the leg's sip.callStatus is read while it rings
# Speech on a phone line is far above this RMS (int16 full scale 32767); line noise and comfort
# noise stay below it. About -50 dBFS.
SPEECH_RMS = 100.0
SPEECH_FRAMES = 3  # frames above SPEECH_RMS (not necessarily in a row) that count as "heard"

_BUSY = frozenset({486, 600})
_NO_ANSWER = frozenset({408, 480, 487})
_DOCTOR = "run `switchboard doctor` to find the part that is wrong"


@dataclass(frozen=True, slots=True)
class TestCallRequest:
    """What to dial and how long each step may take. `person`: a human answers (`--to`)."""

    __test__ = False  # not a pytest test class

    to: str
    room: str
    person: bool = False
    ring_seconds: float = 30.0
    listen_seconds: float = 15.0
    keypad_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class DialObservation:
    """What the dial showed: the `sip.callStatus` values seen in order, and how it ended."""

    statuses: tuple[str, ...] = ()
    answered: bool = False
    sip_status: int | None = None
    error: str = ""
    fix: str = ""
    rang_out: bool = False  # LiveKit stopped ringing: nobody answered within the ringing time


def dial_checks(seen: DialObservation) -> list[Check]:
    """`dial`, `ringing` and `answered` from what the dial showed. Pure."""
    in_room = bool(seen.statuses) or seen.answered or seen.rang_out
    if not in_room and seen.sip_status is None:
        why = seen.error or "the leg never appeared in the room"
        return [
            fail("dial", f"LiveKit did not place the call: {why}", seen.fix or _DOCTOR),
            warn("ringing", "not checked: nothing was dialled"),
            warn("answered", "not checked: nothing was dialled"),
        ]
    checks = [ok("dial", "LiveKit accepted the dial and sent the INVITE through the trunk")]
    rang = "ringing" in seen.statuses
    if rang:
        checks.append(ok("ringing", "the trunk accepted the call and the phone rang (SIP 18x)"))
    elif seen.answered:
        checks.append(ok("ringing", "answered before any ringing was seen"))
    else:
        checks.append(_no_ring(seen))
        if checks[-1].status is Status.FAIL:  # refused: `ringing` already says why
            refused = "not answered: the call was refused before it rang"
            return [*checks, fail("answered", refused, "see `ringing` above")]
    checks.append(_answer(seen, rang))
    return checks


def _no_ring(seen: DialObservation) -> Check:
    status = seen.sip_status
    if status is not None and status not in _BUSY | _NO_ANSWER | {603}:
        why = explain_sip_status(status)
        meaning = why.meaning if why else "the call was refused"
        return fail("ringing", f"refused before ringing: {meaning} (SIP {status})", _fix(status))
    return warn("ringing", "no ringing was seen before the call ended")


def _answer(seen: DialObservation, rang: bool) -> Check:
    status = seen.sip_status
    if seen.answered:
        return ok("answered", "the call was answered")
    if status in _BUSY:
        return fail("answered", f"busy (SIP {status})", "the line is busy: try again later")
    if status == 603:
        return fail("answered", "declined (SIP 603)", "the call was rejected at the far end")
    if status in _NO_ANSWER or seen.rang_out:
        return fail(
            "answered",
            f"nobody answered (SIP {status})" if status else "nobody answered in the ringing time",
            "is the agent running (`switchboard agent start`)? `switchboard doctor` checks the "
            "inbound trunk and dispatch rule",
        )
    if status is None:
        return fail("answered", f"the call ended unanswered: {seen.error}", seen.fix or _DOCTOR)
    why = explain_sip_status(status)
    meaning = why.meaning if why else "the call failed"
    where = "after ringing" if rang else "before ringing"
    return fail("answered", f"failed {where}: {meaning} (SIP {status})", _fix(status))


def _fix(status: int | None) -> str:
    why = explain_sip_status(status) if status is not None else None
    return why.fix if why else _DOCTOR


def rms(frame: Sequence[int]) -> float:
    """Root-mean-square level of 16-bit samples. Pure."""
    if not frame:
        return 0.0
    return math.sqrt(sum(s * s for s in frame) / len(frame))


async def heard(frames: AsyncIterator[Sequence[int]], *, within: float) -> bool:
    """True once SPEECH_FRAMES frames were loud enough, False after `within` seconds without."""
    loud = 0

    async def listen() -> bool:
        nonlocal loud
        async for frame in frames:
            if rms(frame) >= SPEECH_RMS:
                loud += 1
                if loud >= SPEECH_FRAMES:
                    return True
        return False

    try:
        return await asyncio.wait_for(listen(), within)
    except TimeoutError:
        return False


async def greeting_check(line: ProbeLine, req: TestCallRequest) -> Check:
    """Sound on the answered leg within `listen_seconds`; "not checked" without media."""
    who = "the person who answered" if req.person else "the agent's greeting"
    try:
        async with contextlib.aclosing(line.audio(IDENTITY)) as frames:
            if await heard(frames, within=req.listen_seconds):
                return ok("greeting", f"heard {who}")
    except MediaUnavailable as exc:
        return warn("greeting", f"not checked: {exc}")
    fix = (
        "speak into the phone"
        if req.person
        else "check the agent worker's logs (`switchboard agent start`): it answered but said "
        "nothing, or the audio did not come back through the trunk"
    )
    return fail("greeting", f"silence for {req.listen_seconds:g} s: {who} was not heard", fix)


async def keypad_check(line: ProbeLine, req: TestCallRequest, ask: Callable[[], None]) -> Check:
    """With a person on the line: a key press arrives as DTMF within `keypad_seconds`."""
    if not req.person:
        return warn("keypad", "not checked: only with --to (a person presses a key)")
    try:
        ask()
        digit = await asyncio.wait_for(line.next_key(), req.keypad_seconds)
    except MediaUnavailable as exc:
        return warn("keypad", f"not checked: {exc}")
    except TimeoutError:
        return fail(
            "keypad",
            f"no key press arrived within {req.keypad_seconds:g} s",
            "press a key once the call is answered; if you did, DTMF is lost on the way "
            "(RFC 2833 / telephone-event must be allowed on the trunk)",
        )
    return ok("keypad", f"key {digit} arrived (DTMF)")


@dataclass
class _Watch:
    statuses: list[str] = field(default_factory=list)

    def see(self, status: str | None) -> None:
        if status and (not self.statuses or self.statuses[-1] != status):
            self.statuses.append(status)


async def observe_dial(line: ProbeLine, req: TestCallRequest) -> DialObservation:
    """Dial, reading the leg's sip.callStatus until the dial request ends."""
    watch = _Watch()
    dial = asyncio.create_task(
        line.dial(req.room, req.to, identity=IDENTITY, ring_seconds=req.ring_seconds)
    )
    try:
        while not dial.done():
            with contextlib.suppress(Exception):  # a failed read must not end the test
                watch.see(await line.call_status(req.room, IDENTITY))
            await asyncio.wait({dial}, timeout=POLL_SECONDS)
        dial.result()
    except DialRefused as exc:
        statuses = tuple(watch.statuses)
        return DialObservation(
            statuses, sip_status=exc.sip_status, error=str(exc), fix=exc.fix, rang_out=exc.rang_out
        )
    finally:
        if not dial.done():
            dial.cancel()
            with contextlib.suppress(BaseException):
                await dial
    with contextlib.suppress(Exception):
        watch.see(await line.call_status(req.room, IDENTITY))
    return DialObservation(tuple(watch.statuses), answered=True)


async def cleanup(line: ProbeLine, room: str) -> Check:
    """Hang up and delete the room; a failure here leaves a leg that costs money: say so."""
    problems = []
    for step in (line.hang_up(room, IDENTITY), line.delete_room(room)):
        try:
            await step
        except Exception as exc:
            problems.append(str(exc) or type(exc).__name__)
    if problems:
        return fail(
            "cleanup",
            f"could not remove the test call: {'; '.join(problems)}",
            f"delete room {room} in the LiveKit console (or `switchboard sip events`)",
        )
    return ok("cleanup", f"hung up and deleted room {room}")


async def run_test_call(
    line: ProbeLine,
    req: TestCallRequest,
    *,
    report: Callable[[Check], None] = lambda check: None,
    ask_for_key: Callable[[], None] = lambda: None,
) -> list[Check]:
    """Every step, in order; `report` sees each as it is decided. Always cleans up."""
    checks: list[Check] = []

    def add(check: Check) -> None:
        checks.append(check)
        report(check)

    try:
        try:
            await line.open(req.room)
        except Exception as exc:
            add(fail("dial", f"could not create the test room: {exc}", _DOCTOR))
            return checks
        seen = await observe_dial(line, req)
        for check in dial_checks(seen):
            add(check)
        if seen.answered:
            add(await greeting_check(line, req))
            add(await keypad_check(line, req, ask_for_key))
        else:
            add(warn("greeting", "not checked: the call was not answered"))
            add(warn("keypad", "not checked: the call was not answered"))
    finally:
        cleaning = asyncio.ensure_future(cleanup(line, req.room))
        try:
            add(await asyncio.shield(cleaning))
        except asyncio.CancelledError:  # Ctrl-C: finish hanging up first, then stop
            add(await cleaning)
            raise
    return checks
