"""Taps on the agent's ports for a local call: the call record also narrates agent lines, and the
message desk keeps what was asked of it, so the result can say exactly what happened."""

from __future__ import annotations

from typing import Any

from switchboard.ports.calls import MessageDesk, MessageReceipt, MessageRequest
from switchboard.services.call_records import CallLog
from switchboard.services.local_call.lines import CallLine, CallLines


class NarratedRecorder:
    """A `CallRecorder` writing to `log` that also shows every agent line as it is said."""

    def __init__(self, log: CallLog, lines: CallLines) -> None:
        self.log = log
        self._lines = lines
        self.attempts: list[dict[str, str]] = []

    def record(self, kind: str, /, **data: Any) -> None:
        """Append to the call record; agent lines and attempt results are also kept here."""
        self.log.record(kind, **data)
        if kind == "agent_turn" and data.get("text"):
            self._lines.add(CallLine("agent", str(data["text"])))
        elif kind == "transfer_attempt":
            self.attempts.append({"employee": str(data["employee"]), "result": str(data["result"])})


class CapturingDesk:
    """A `MessageDesk` that passes every message on to `inner` and keeps the stored ones."""

    def __init__(self, inner: MessageDesk) -> None:
        self._inner = inner
        self.taken: list[tuple[MessageRequest, MessageReceipt]] = []

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        """Store through `inner`; only a message that was stored is kept."""
        receipt = await self._inner.take_message(request)
        self.taken.append((request, receipt))
        return receipt


class LocalTaps:
    """The `CallTaps` of a local call: narrate the record on `lines`, keep the messages taken."""

    def __init__(self, lines: CallLines) -> None:
        self._lines = lines
        self.narrated: NarratedRecorder | None = None
        self.desk: CapturingDesk | None = None

    def recorder(self, log: CallLog) -> NarratedRecorder:
        self.narrated = NarratedRecorder(log, self._lines)
        return self.narrated

    def messages(self, desk: MessageDesk) -> CapturingDesk:
        self.desk = CapturingDesk(desk)
        return self.desk

    @property
    def attempts(self) -> list[dict[str, str]]:
        return self.narrated.attempts if self.narrated else []

    @property
    def taken(self) -> list[tuple[MessageRequest, MessageReceipt]]:
        return self.desk.taken if self.desk else []
