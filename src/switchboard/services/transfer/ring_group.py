"""Ring groups: hold the caller once, ring a department's members together or one after another,
connect the first to accept and end every other leg at once (docs/call-behaviour.md).

    coordinator = RingGroupCoordinator(telephony, clock, config)
    outcome = await coordinator.ring_group(call, department, plan, caller_name="Dana", reason="…")

Whatever ends the group (a winner, every leg failing, the caller hanging up or asking for a
message, a bug, cancellation), each leg sweeps itself and the hold is stopped: no leg, room or
hold track outlives the group, and no employee is still ringing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from switchboard.domain.calls import CallContext, TransferOutcome, TransferResult
from switchboard.domain.directory import Department, Employee
from switchboard.domain.routing.config import RingStrategy
from switchboard.domain.routing.ring_group import RingGroupOutcome, RingPlan
from switchboard.domain.routing.words import (
    group_checkin,
    group_hold_intro,
    group_not_connected,
)
from switchboard.domain.transfer import WarmTransfer
from switchboard.domain.transfer.events import (
    CallerAskedForMessage,
    CallerHungUp,
    EmployeeDecision,
    TransferRequest,
)
from switchboard.domain.transfer.words import parse_employee_decision
from switchboard.logs import bind_call, get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.telephony import Telephony, TelephonyError
from switchboard.services.transfer.coordinator import TransferConfig
from switchboard.services.transfer.ring_group_leg import GroupClaim, RingGroupLeg

log = get_logger(__name__)

# When every leg ended without a winner, the group's outcome is the most telling leg outcome.
_PRECEDENCE = (
    TransferOutcome.MESSAGE_REQUESTED,
    TransferOutcome.DECLINED,
    TransferOutcome.BUSY,
    TransferOutcome.VOICEMAIL,
    TransferOutcome.NO_ANSWER,
    TransferOutcome.FAILED,
)


class RingGroupCoordinator:
    def __init__(self, telephony: Telephony, clock: Clock, config: TransferConfig) -> None:
        self.telephony, self.clock, self.config = telephony, clock, config

    async def ring_group(
        self,
        call: CallContext,
        department: Department,
        plan: RingPlan,
        *,
        caller_name: str,
        reason: str,
    ) -> RingGroupOutcome:
        """Never raises for telephony failures; cancellation still cleans every leg."""
        run = _GroupRun(self, call, department, plan, caller_name, reason)
        with bind_call(call.call_id, department_id=department.id):
            log.info(
                "ring_group.start",
                strategy=plan.group.strategy,
                legs=len(plan.ringing),
                skipped=len(plan.skipped),
                merge=self.config.merge_strategy,
            )
            try:
                outcome = await run.run()
            except Exception:
                log.exception("ring_group.crashed")
                outcome = RingGroupOutcome(
                    TransferResult(TransferOutcome.FAILED, department.id, detail="internal error"),
                    tuple(run.results),
                )
            finally:
                await run.release_hold()
            await run.announce(outcome)
            log.info(
                "ring_group.end",
                outcome=outcome.result.outcome,
                winner=run.claim.winner,
                legs=[leg.outcome.value for leg in outcome.legs],
            )
            return outcome


class _GroupRun:
    """One ring of one group (state for a single `ring_group` call)."""

    def __init__(
        self,
        owner: RingGroupCoordinator,
        call: CallContext,
        department: Department,
        plan: RingPlan,
        caller_name: str,
        reason: str,
    ) -> None:
        self.tel, self.clock, self.config = owner.telephony, owner.clock, owner.config
        self.call, self.department, self.plan = call, department, plan
        self.caller_name, self.reason = caller_name, reason
        self.claim = GroupClaim(self._stop_others)
        self.results: list[TransferResult] = []
        self.legs: dict[str, RingGroupLeg] = {}
        self.hold = False
        self.ended_by: TransferOutcome | None = None  # caller hung up / asked for a message
        self.done = asyncio.Event()

    async def run(self) -> RingGroupOutcome:
        if self.plan.empty:
            return self._outcome()
        await self._say(group_hold_intro(self.department.name))
        await self._start_hold()
        async with asyncio.TaskGroup() as tasks:
            watchers = [
                tasks.create_task(self._watch_caller(), name="ring_group-caller_left"),
                tasks.create_task(self._checkins(), name="ring_group-checkins"),
                tasks.create_task(self._listen_to_caller(), name="ring_group-caller_reply"),
            ]
            ringing = tasks.create_task(self._ring(), name="ring_group-legs")
            await self.done.wait()
            for task in watchers:
                task.cancel()
            # The legs end by themselves (stopped by the winner's claim or by `_end`), each
            # sweeping its own line; `ringing` finishes once the last one has.
            await ringing
        return self._outcome()

    # --- legs ---------------------------------------------------------------------------------

    async def _ring(self) -> None:
        try:
            if self.plan.group.strategy is RingStrategy.HUNT:
                for member in self.plan.ringing:
                    if self.claim.winner is not None or self.ended_by is not None:
                        break
                    await self._leg(member)
            else:
                async with asyncio.TaskGroup() as legs:
                    for member in self.plan.ringing:
                        legs.create_task(self._leg(member), name=f"ring_group-leg-{member.id}")
        finally:
            self.done.set()

    async def _leg(self, member: Employee) -> None:
        machine = WarmTransfer(self._request(member))
        result: TransferResult | None = None
        try:
            async with asyncio.TaskGroup() as tasks:
                leg = RingGroupLeg(
                    self.tel, self.clock, self.call, member, machine, tasks,
                    claim=self.claim, stop_hold=self.release_hold,
                )  # fmt: skip
                self.legs[member.id] = leg
                if self.ended_by is not None or self.claim.winner is not None:
                    leg.stop(self._stop_event())  # the group ended before this leg began
                try:
                    result = await leg.run()
                finally:
                    await leg.sweep()
        except asyncio.CancelledError:
            # Only when the whole group is cancelled from outside (the call is torn down); the
            # leg's sweep has run. Legs ended by the group itself end cooperatively instead.
            result = TransferResult(TransferOutcome.FAILED, member.id, detail="cancelled")
            raise
        except Exception:
            log.exception("ring_group.leg_crashed", employee_id=member.id)
            result = TransferResult(TransferOutcome.FAILED, member.id, detail="internal error")
        finally:
            if result is not None:
                self.results.append(result)
                log.info("ring_group.leg_end", employee_id=member.id, outcome=result.outcome)
            if self.claim.winner == member.id:
                self.done.set()  # the winner's leg is over: connected, or its merge failed

    def _stop_others(self, winner: str) -> None:
        log.info("ring_group.claimed", winner=winner)
        for employee_id, leg in self.legs.items():
            if employee_id != winner:
                leg.stop(None)  # runs before any other task: no leg can be briefed after this

    def _request(self, member: Employee) -> TransferRequest:
        cfg = self.config
        return TransferRequest(
            employee_id=member.id,
            employee_name=member.name,
            target=member.phone,
            caller_name=self.caller_name,
            reason=self.reason,
            caller_number=self.call.caller_number,
            merge=cfg.merge_strategy,
            ring_timeout=self.plan.group.ring_seconds,
            checkin_seconds=cfg.hold_checkin_seconds,
            decision_timeout=cfg.decision_timeout,
            announce_outcome=False,  # the group words the outcome once, not once per leg
        )

    # --- the caller -----------------------------------------------------------------------

    async def _watch_caller(self) -> None:
        try:
            await self.tel.wait_until_left(self.call.room_name, self.call.caller_identity)
        except TelephonyError as exc:
            log.warning("ring_group.watch_failed", error=str(exc))
            return
        winner = self.legs.get(self.claim.winner or "")
        if winner is not None:
            # The winner's merge decides (a REFER takes the caller out of the room on purpose).
            winner.caller_left()
            return
        self._end(TransferOutcome.CALLER_HUNG_UP)

    async def _checkins(self) -> None:
        while True:
            await self.clock.sleep(self.config.hold_checkin_seconds)
            if self.claim.winner is None:
                await self._say(group_checkin(self.department.name))

    async def _listen_to_caller(self) -> None:
        while True:
            try:
                reply = await self.tel.next_reply(
                    self.call.room_name, self.call.caller_identity, wait_seconds=3600.0
                )
            except TelephonyError:
                return
            if reply is None or self.claim.winner is not None:
                continue
            if parse_employee_decision(reply.as_input()) is EmployeeDecision.MESSAGE:
                self._end(TransferOutcome.MESSAGE_REQUESTED)
                return

    def _end(self, why: TransferOutcome) -> None:
        self.ended_by = why
        self.claim.closed = True  # no leg may win after this: every leg is being ended
        for leg in self.legs.values():
            leg.stop(self._stop_event())
        self.done.set()

    def _stop_event(self) -> CallerHungUp | CallerAskedForMessage | None:
        """What ends a leg now: the caller's hang-up or message request, or (None) a winner."""
        if self.ended_by is TransferOutcome.CALLER_HUNG_UP:
            return CallerHungUp()
        return CallerAskedForMessage() if self.ended_by is not None else None

    # --- outcome --------------------------------------------------------------------------

    def _outcome(self) -> RingGroupOutcome:
        # In ringing order, so the record reads the same however the legs' endings interleaved.
        order = {member.id: n for n, member in enumerate(self.plan.ringing)}
        legs = tuple(sorted(self.results, key=lambda r: order.get(r.employee_id, len(order))))
        winner = next((r for r in legs if r.employee_id == self.claim.winner), None)
        if winner is not None and self.ended_by is None:
            return RingGroupOutcome(winner, legs)
        if self.ended_by is not None:
            detail = "caller hung up" if self.ended_by is TransferOutcome.CALLER_HUNG_UP else ""
            return RingGroupOutcome(
                TransferResult(self.ended_by, self.department.id, detail=detail), legs
            )
        seen = {r.outcome for r in legs}
        outcome = next((o for o in _PRECEDENCE if o in seen), TransferOutcome.NO_ANSWER)
        detail = "nobody to ring" if not legs else "no member accepted"
        return RingGroupOutcome(TransferResult(outcome, self.department.id, detail=detail), legs)

    async def announce(self, outcome: RingGroupOutcome) -> None:
        """Tell the caller an unconnected outcome (when the conversation layer does not)."""
        quiet = (TransferOutcome.CONNECTED, TransferOutcome.CALLER_HUNG_UP)
        if self.config.announce_outcome and outcome.result.outcome not in quiet:
            await self._say(group_not_connected(self.department.name))

    # --- the line -------------------------------------------------------------------------

    async def _say(self, text: str) -> None:
        await self._quietly(
            "say_to_caller", self.tel.say(self.call.room_name, self.call.caller_identity, text)
        )

    async def _start_hold(self) -> None:
        self.hold = True
        await self._quietly(
            "start_hold", self.tel.start_hold(self.call.room_name, self.call.caller_identity)
        )

    async def release_hold(self) -> None:
        if self.hold:
            self.hold = False
            await self._quietly(
                "stop_hold", self.tel.stop_hold(self.call.room_name, self.call.caller_identity)
            )

    async def _quietly(self, what: str, action: Awaitable[None]) -> None:
        try:
            await action
        except TelephonyError as exc:
            log.warning(
                "ring_group.telephony_error", action=what, sip_status=exc.sip_status, error=str(exc)
            )
