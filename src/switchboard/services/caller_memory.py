"""Caller memory on a call: who the caller is (looked up once, at the start), the name they give
(learned from the agent's transfer and message requests), and the employee's briefing.

    memory = CallerMemory(store, enabled=True)
    known = await memory.recall(call)              # never raises: a store outage is logged
    calls = memory.briefed(coordinator, call)      # the briefing mentions open messages
    desk = memory.listening(desk)                  # learns the name from take_message
    await memory.remember(call, at)                # at the end of the call
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from switchboard.domain.caller_memory import (
    KnownCaller,
    reason_with_open_messages,
    rememberable_name,
)
from switchboard.domain.calls import CallContext, TransferResult
from switchboard.domain.directory import Employee
from switchboard.logs import get_logger
from switchboard.ports.caller_memory import CallerMemoryStore
from switchboard.ports.calls import CallControl, MessageDesk, MessageReceipt, MessageRequest

log = get_logger(__name__)

# The look-up happens before the greeting: a slow database must not hold the caller in silence.
RECALL_TIMEOUT_SECONDS = 2.0


@dataclass
class CallerMemory:
    """One call's view of caller memory. With `store` None or `enabled` False it knows nobody
    and remembers nothing."""

    store: CallerMemoryStore | None
    enabled: bool = True
    known: KnownCaller | None = None
    names: list[str] = field(default_factory=list)  # names the caller gave on this call

    @property
    def active(self) -> bool:
        return self.enabled and self.store is not None

    async def recall(self, call: CallContext) -> KnownCaller | None:
        if not self.active or not call.caller_number:
            return None
        assert self.store is not None
        try:
            async with asyncio.timeout(RECALL_TIMEOUT_SECONDS):
                self.known = await self.store.recall(call.caller_number)
        except Exception as exc:  # the call goes on without memory (TimeoutError included)
            log.warning("caller_memory.recall_failed", error=str(exc))
            self.known = None
        return self.known

    def heard_name(self, name: str) -> None:
        clean = rememberable_name(name)
        if clean:
            self.names.append(clean)

    async def remember(self, call: CallContext, at: datetime) -> bool:
        """Save the caller's latest name (a name given now wins over the remembered one); a
        caller who gave no name and was not known is not remembered."""
        if not self.active or not call.caller_number:
            return False
        name = self.names[-1] if self.names else (self.known.name if self.known else None)
        if not name:
            return False
        assert self.store is not None
        try:
            await self.store.remember(call.caller_number, name, at)
        except Exception as exc:
            log.warning("caller_memory.remember_failed", error=str(exc))
            return False
        return True

    async def open_messages(self, call: CallContext, employee: Employee) -> int:
        """Messages from this caller to `employee` still open (0 when unknown)."""
        if not self.active or not call.caller_number:
            return 0
        assert self.store is not None
        try:
            return await self.store.open_messages(call.caller_number, employee.id)
        except Exception as exc:
            log.warning("caller_memory.open_messages_failed", error=str(exc))
            return 0

    def briefed(self, calls: CallControl) -> CallControl:
        return _BriefedCalls(calls, self)

    def listening(self, desk: MessageDesk) -> MessageDesk:
        return _ListeningDesk(desk, self)


class _BriefedCalls:
    """CallControl that learns the caller's name and tells the employee about open messages."""

    def __init__(self, inner: CallControl, memory: CallerMemory) -> None:
        self.inner, self.memory = inner, memory

    async def warm_transfer(
        self, call: CallContext, employee: Employee, *, caller_name: str, reason: str
    ) -> TransferResult:
        self.memory.heard_name(caller_name)
        count = await self.memory.open_messages(call, employee)
        reason = reason_with_open_messages(reason, count)
        return await self.inner.warm_transfer(
            call, employee, caller_name=caller_name, reason=reason
        )

    async def hang_up(self, call: CallContext) -> None:
        await self.inner.hang_up(call)


class _ListeningDesk:
    def __init__(self, inner: MessageDesk, memory: CallerMemory) -> None:
        self.inner, self.memory = inner, memory

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        receipt = await self.inner.take_message(request)
        self.memory.heard_name(request.caller_name)
        return receipt
