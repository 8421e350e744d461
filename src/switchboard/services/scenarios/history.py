"""Before and after a scenario's call: the store seeded with what it already knows (a returning
caller, their open messages), the scenario's screening settings, and the stored call record
checked against `expect.record`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from switchboard.adapters.simulator import SimulatedClock
from switchboard.adapters.sqlalchemy import Storage
from switchboard.domain.directory import Directory
from switchboard.services.calls import CallFactory
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.scenarios.extras import HISTORY_AGE, history_messages
from switchboard.services.scenarios.model import Scenario


async def prepare(scenario: Scenario, directory: Directory, calls: CallFactory) -> CallFactory:
    """Seed caller memory and earlier messages; apply the scenario's screening. Returns the
    call factory the scenario's call uses."""
    extras, number = scenario.extras, scenario.caller_number
    earlier = scenario.now - HISTORY_AGE
    if number and extras.history.caller_name and calls.caller_memory is not None:
        await calls.caller_memory.remember(number, extras.history.caller_name, earlier)
    if number and extras.history.messages:

        async def current() -> Directory:
            return directory

        desk = OutboxMessageDesk(calls.outbox, current, SimulatedClock(earlier))
        for request in history_messages(extras, number, earlier):
            await desk.take_message(request)
    if extras.screening is not None:
        calls = replace(calls, policy=replace(calls.policy, screening=extras.screening))
    return calls


async def check_record(expect: Mapping[str, Any], call_id: str, storage: Storage) -> list[str]:
    """Failures of the stored call record against `expect.record` ({outcome, verstat})."""
    wanted = expect.get("record")
    if not wanted:
        return []
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get(call_id)
    if record is None:
        return [f"record: no call record {call_id!r} was saved"]
    got = {
        "outcome": record.outcome.value if record.outcome else None,
        "verstat": record.verstat,
    }
    return [
        f"record.{key}: expected {want!r}, got {got[key]!r}"
        for key, want in wanted.items()
        if got.get(key) != want
    ]
