"""`CallControl` over the Telephony port: warm transfers that never drop a caller or leave a line.

coordinator = WarmTransferCoordinator(telephony, clock, TransferConfig.from_settings(settings))
result = await coordinator.warm_transfer(call, employee, caller_name="Dana", reason="an invoice")
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import Department, Employee
from switchboard.domain.phone import mask
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan
from switchboard.domain.transfer import WarmTransfer
from switchboard.domain.transfer.events import MergeStrategy, TransferRequest
from switchboard.logs import bind_call, get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.metrics import CallMetrics, NoCallMetrics
from switchboard.ports.telephony import Telephony, TelephonyError
from switchboard.services.transfer.attempt import Attempt
from switchboard.settings import Settings

log = get_logger(__name__)

# Called once a transfer connected: (call, employee, caller_name, reason). Follow-ups hook in here.
ConnectedHook = Callable[[CallContext, Employee, str, str], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class TransferConfig:
    merge_strategy: MergeStrategy = MergeStrategy.MOVE
    ring_timeout: float = 25.0
    hold_checkin_seconds: float = 30.0
    decision_timeout: float = 20.0  # how long the employee has to answer the briefing
    announce_outcome: bool = True  # say `to_caller_after(...)` when not connected

    @classmethod
    def from_settings(cls, settings: Settings) -> TransferConfig:
        return cls(
            merge_strategy=settings.transfer_merge_strategy,
            ring_timeout=settings.transfer_ring_timeout,
            hold_checkin_seconds=settings.hold_checkin_seconds,
        )


class WarmTransferCoordinator:
    """Implements `CallControl` by running the WarmTransfer state machine on a Telephony port."""

    def __init__(
        self,
        telephony: Telephony,
        clock: Clock,
        config: TransferConfig | None = None,
        on_connected: ConnectedHook | None = None,
        *,
        metrics: CallMetrics | None = None,
    ) -> None:
        self.telephony = telephony
        self.clock = clock
        self.config = config or TransferConfig()
        self.on_connected = on_connected
        self.metrics = metrics or NoCallMetrics()

    async def warm_transfer(
        self, call: CallContext, employee: Employee, *, caller_name: str, reason: str
    ) -> TransferResult:
        """Hold the caller, consult `employee`, then connect them or return with the outcome.

        Never raises for telephony failures; whatever happens (cancellation included), nothing
        from this attempt is left live on the phone network.
        """
        machine = WarmTransfer(self._request(call, employee, caller_name, reason))
        with bind_call(call.call_id, employee_id=employee.id):
            log.info(
                "transfer.start",
                target=mask(employee.phone),
                caller=mask(call.caller_number),
                merge=self.config.merge_strategy,
            )
            started = self.clock.now()
            try:
                async with asyncio.TaskGroup() as tasks:
                    attempt = Attempt(self.telephony, self.clock, call, employee, machine, tasks)
                    try:
                        result = await attempt.run()
                    finally:
                        await attempt.sweep()
            except Exception:
                # A bug must not strand the caller on hold: sweep() has run; report a failure.
                log.exception("transfer.crashed")
                result = TransferResult(
                    TransferOutcome.FAILED, employee.id, detail="internal error"
                )
            seconds = (self.clock.now() - started).total_seconds()
            log.info(
                "transfer.end",
                outcome=result.outcome,
                sip_status=result.sip_status,
                detail=result.detail,
                seconds=round(seconds, 3),
                ignored_events=len(machine.ignored),
            )
            self.metrics.transfer_finished(result.outcome, seconds)  # the caller held throughout
            if result.outcome is TransferOutcome.CONNECTED and self.on_connected is not None:
                try:
                    await self.on_connected(call, employee, caller_name, reason)
                except Exception:  # a follow-up never changes the transfer's result
                    log.exception("transfer.follow_up_failed")
            return result

    async def ring_group(
        self,
        call: CallContext,
        department: Department,
        plan: RingPlan,
        *,
        caller_name: str,
        reason: str,
    ) -> RingGroupOutcome:
        """`ports.calls.RingGroupControl`: the department's ring group with this line and config."""
        # Imported here: ring_group.py builds on this module's TransferConfig.
        from switchboard.services.transfer.ring_group import RingGroupCoordinator

        group = RingGroupCoordinator(self.telephony, self.clock, self.config)
        return await group.ring_group(
            call, department, plan, caller_name=caller_name, reason=reason
        )

    async def hang_up(self, call: CallContext) -> None:
        """End the call for everyone: delete the caller's room (ending every leg in it)."""
        with bind_call(call.call_id):
            try:
                await self.telephony.delete_room(call.room_name)
            except TelephonyError as exc:
                log.warning("call.hang_up_failed", sip_status=exc.sip_status, error=str(exc))
            else:
                log.info("call.hung_up")

    def _request(
        self, call: CallContext, employee: Employee, caller_name: str, reason: str
    ) -> TransferRequest:
        cfg = self.config
        return TransferRequest(
            employee_id=employee.id,
            employee_name=employee.name,
            target=employee.phone,
            caller_name=caller_name,
            reason=reason,
            caller_number=call.caller_number,
            merge=cfg.merge_strategy,
            ring_timeout=cfg.ring_timeout,
            checkin_seconds=cfg.hold_checkin_seconds,
            decision_timeout=cfg.decision_timeout,
            announce_outcome=cfg.announce_outcome,
        )
