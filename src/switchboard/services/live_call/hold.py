"""Holding one real call, and letting it go in the right order.

The call is over when the agent transferred it, the agent ended it, the caller left, the room
closed (deleted, or our connection lost) or the session closed by itself. Then, in this order:

1. The agent session is closed *with drain* (`AgentSession.shutdown(drain=True)`): livekit-agents
   then lets queued speech play out and waits for every speech task, function tools included,
   where `aclose()` (`drain=False`) interrupts them by force (livekit-agents 1.8.9
   `voice/agent_session.py:1261-1262` and `:1400-1408`; `voice/agent_activity.py:1445-1449`). So
   the goodbye is heard to its last word, and a tool still running when the caller's leg left (a
   SIP REFER whose answer comes after the caller's `participant_disconnected`, a message being
   saved) finishes and sets the call's state. After a connected transfer nothing is left to say,
   so the session closes without drain (its words would land in the merged call).
2. Only then is the call record written, from that final state.

The session must not close itself when the caller leaves (`RoomOptions(close_on_disconnect=
False)`): RoomIO would close it without drain (`voice/room_io/room_io.py:472-489`), cutting the
transfer tool after `INTERRUPTION_TIMEOUT` (`voice/speech_handle.py:16,291-298`), and a later
`shutdown(drain=True)` is then a no-op (`agent_session.py:1255-1256`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from switchboard.domain.calls import CallOutcome
from switchboard.logs import get_logger
from switchboard.services.calls import CallParts
from switchboard.services.receptionist.deps import CallState

log = get_logger(__name__)

WATCH_SECONDS = 0.5  # how often the call's state is looked at besides room and session events
# The longest a tool may still run once the call is over: a SIP REFER waits for the transfer to
# resolve, bounded by its ringing timeout (30 s by default in livekit-api's
# `transfer_sip_participant`); a goodbye takes a few seconds. A job shutdown cuts this shorter: the
# entrypoint then has 15 s before it is cancelled (livekit-agents
# `ipc/job_proc_lazy_main.py:429-435`), and the record is still written (`hold_call`'s finally).
DRAIN_SECONDS = 45.0
CUT_SECONDS = 10.0  # after a forced interruption: livekit-agents cancels what is left after 5 s


class Emitter(Protocol):
    """What we use of a livekit `rtc.Room` and of an `AgentSession` (both `EventEmitter`s)."""

    def on(self, event: Any, callback: Callable[..., Any] | None = None) -> Any: ...

    def off(self, event: Any, callback: Callable[..., Any]) -> None: ...


class Session(Emitter, Protocol):
    def shutdown(self, *, drain: bool = True) -> None: ...

    def interrupt(self, *, force: bool = False) -> asyncio.Future[None]: ...

    async def aclose(self) -> None: ...


class CallWatch:
    """Watches one call's room and session; says when the call is over and closes the session."""

    def __init__(self, room: Emitter, session: Session, caller_identity: str, state: CallState):
        self.room, self.session, self.state = room, session, state
        self.caller_identity = caller_identity
        self.caller_left = asyncio.Event()
        self.room_closed = asyncio.Event()
        self.session_closed = asyncio.Event()
        self._changed = asyncio.Event()
        room.on("participant_disconnected", self._on_left)
        room.on("disconnected", self._on_room_closed)
        session.on("close", self._on_session_closed)

    def _on_left(self, participant: Any) -> None:
        if getattr(participant, "identity", None) == self.caller_identity:
            self.caller_left.set()
            self._changed.set()

    def _on_room_closed(self, *_reason: Any) -> None:
        self.room_closed.set()
        self._changed.set()

    def _on_session_closed(self, *_event: Any) -> None:
        self.session_closed.set()
        self._changed.set()

    @property
    def caller_gone(self) -> bool:
        return self.caller_left.is_set() or self.room_closed.is_set()

    def over(self) -> bool:
        s = self.state
        return self.caller_gone or self.session_closed.is_set() or s.ended or bool(s.transferred_to)

    async def until_over(self, poll: float = WATCH_SECONDS) -> None:
        while not self.over():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=poll)
            self._changed.clear()

    async def close_session(
        self,
        *,
        started: bool,
        drain_seconds: float = DRAIN_SECONDS,
        cut_seconds: float = CUT_SECONDS,
    ) -> None:
        """Close the session, with drain unless the call was transferred. After `drain_seconds`
        the speech left is interrupted by force (livekit-agents cancels its tasks after
        `INTERRUPTION_TIMEOUT`, `voice/speech_handle.py:16,284-302`). A function tool that still
        does not return cannot be cut: it runs in its own task, which a speech's cancellation does
        not reach (`voice/tool_executor.py:452-497`), and the close waits for it; after
        `cut_seconds` more we stop waiting, so the call record is still written."""
        if started and not self.session_closed.is_set():
            self.session.shutdown(drain=not self.state.transferred_to)
            if not await self._closed_within(drain_seconds):
                log.warning("call.drain_timed_out", seconds=drain_seconds)
                with contextlib.suppress(RuntimeError):  # the session already stopped
                    self.session.interrupt(force=True)
                if not await self._closed_within(cut_seconds):
                    # aclose() would wait on the lock the stuck close holds; the job ends anyway
                    log.error("call.session_stuck")
                    return
        await self.session.aclose()  # a no-op once closed (agent_session.py:1308-1310)

    async def _closed_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.session_closed.wait(), timeout=seconds)
        return self.session_closed.is_set()

    def detach(self) -> None:
        self.room.off("participant_disconnected", self._on_left)
        self.room.off("disconnected", self._on_room_closed)
        self.session.off("close", self._on_session_closed)


async def hold_call(
    parts: CallParts,
    session: Session,
    room: Emitter,
    start: Callable[[], Awaitable[object]],
    *,
    drain_seconds: float = DRAIN_SECONDS,
    cut_seconds: float = CUT_SECONDS,
    poll: float = WATCH_SECONDS,
) -> CallOutcome:
    """Start the session (`start`), hold the call until it is over, close the session (drained),
    then write the call record; returns the outcome. The record is written whatever happens."""
    if parts.deps is None:
        raise RuntimeError("connect the call's phone line before holding it")
    state = parts.deps.state
    watch = CallWatch(room, session, parts.call.caller_identity, state)
    started = False
    try:
        await start()
        started = True
        await watch.until_over(poll)
    finally:
        try:
            await watch.close_session(
                started=started, drain_seconds=drain_seconds, cut_seconds=cut_seconds
            )
        finally:
            watch.detach()
            hung_up = watch.caller_gone and not state.ended
            outcome = await parts.finish(caller_hung_up=hung_up)
    return outcome
