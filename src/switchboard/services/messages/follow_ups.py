"""After a connected transfer: the employee gets a short summary (who, why, the number) through
the outbox, on their real channels (SMS, email, chat as planned), with the usual retry and
fallback. Never fails the call: a summary that cannot be stored is logged and dropped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from switchboard.domain.calls import CallContext
from switchboard.domain.directory import Directory, Employee
from switchboard.domain.follow_ups import summary_notifications, transfer_summary
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.outbox import MessageOutbox

log = get_logger(__name__)


class TransferSummaries:
    """`transfer_connected` is the coordinator's `on_connected` hook."""

    def __init__(
        self, outbox: MessageOutbox, directory: Callable[[], Awaitable[Directory]], clock: Clock
    ) -> None:
        self._outbox = outbox
        self._directory = directory
        self._clock = clock

    async def transfer_connected(
        self, call: CallContext, employee: Employee, caller_name: str, reason: str
    ) -> str | None:
        """Queue the summary; returns its message id, or None when nothing was queued."""
        now = self._clock.now()
        try:
            message = transfer_summary(
                call_id=call.call_id,
                employee=employee,
                caller_name=caller_name,
                reason=reason,
                caller_number=call.caller_number,
                now=now,
            )
            notes = summary_notifications(message, employee, await self._directory(), now)
            if not notes:
                log.info("transfer summary: employee has no channel", id=employee.id)
                return None
            await self._outbox.add(message, notes)
        except Exception:  # the caller is already connected: a summary must never undo that
            log.exception("transfer summary not queued", call_id=call.call_id)
            return None
        return message.id
