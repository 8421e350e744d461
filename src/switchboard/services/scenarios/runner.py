"""Running scenarios: each one isolated (its own SQLite store in a temp dir, seeded from its
directory, and its own simulated clock), many at once, through the same code as `switchboard call`.
`wire` builds each store's call factory: the composition root's (`switchboard.bootstrap.
call_factory`), the one a real call on the LiveKit worker uses too."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from switchboard.adapters.simulator.chat_service import running_chat_service
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.directory import Directory
from switchboard.services.calls import CallFactory
from switchboard.services.directory import load_directory
from switchboard.services.local_call import (
    LocalCallResult,
    LocalCallSpec,
    ReadLine,
    run_local_call,
)
from switchboard.services.scenarios.directories import DEFAULT_KEY, directories_for
from switchboard.services.scenarios.expect import check
from switchboard.services.scenarios.extras import simulated_calendars
from switchboard.services.scenarios.follow_ups import (
    check_follow_ups,
    deliver,
    reread_notifications,
)
from switchboard.services.scenarios.history import check_record, prepare
from switchboard.services.scenarios.model import Scenario
from switchboard.services.scenarios.voicemail import leave_voicemail

DEFAULT_CONCURRENCY = 8
CallWiring = Callable[[Storage], CallFactory]  # a store -> the calls made on it


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    """One scenario's run: the call's result (None if it crashed) and the verdict."""

    scenario: Scenario
    result: LocalCallResult | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_json(self) -> dict[str, Any]:
        """Exactly the keys of the scenario contract, in order."""
        call: dict[str, Any] = (
            self.result.as_json()
            if self.result
            else {"outcome": None, "transferred_to": None, "attempts": [], "dialed": [],
                  "message": None, "notifications": [], "transcript": []}
        )  # fmt: skip
        return {
            "name": self.scenario.name,
            **call,
            "passed": self.passed,
            "failures": self.failures,
        }


async def run_scenario(
    scenario: Scenario,
    directory: Directory,
    *,
    wire: CallWiring,
    template: Path | None = None,
) -> ScenarioReport:
    """Run one scenario in a fresh store and check its expectations; never raises for a failure
    of the call itself (that is reported as a failure). `template` is an empty, migrated SQLite
    file to copy (see `migrated_template`); without it the store is migrated here."""
    with tempfile.TemporaryDirectory(prefix="switchboard-scenario-") as tmp:
        db = Path(tmp) / "scenario.db"
        if template is not None:
            await asyncio.to_thread(shutil.copyfile, template, db)
        storage = await open_storage(f"sqlite+aiosqlite:///{db}", migrate=template is None)
        try:
            async with storage.unit_of_work() as uow:
                await uow.directory.replace(directory)
                await uow.commit()
            stored = await load_directory(storage.unit_of_work)  # what the agent really sees
            calls = await prepare(scenario, stored, wire(storage))
            spec = LocalCallSpec(
                directory=stored, start=scenario.now, employees=scenario.employees,
                caller_number=scenario.caller_number, hangup=scenario.hangup,
                verstat=scenario.extras.verstat,
                calendars=await simulated_calendars(scenario.extras, stored, scenario.now),
            )  # fmt: skip
            result, later = await _call_and_follow_ups(scenario, spec, storage, calls, Path(tmp))
            failures = check(scenario.expect, result, stored, scenario.caller_number)
            failures += await check_record(scenario.expect, result.call_id, storage)
        except Exception as exc:  # a crash fails this scenario, not the whole run
            return ScenarioReport(scenario, None, [f"crashed: {type(exc).__name__}: {exc}"])
        finally:
            await storage.dispose()
    return ScenarioReport(scenario, result, failures + later)


async def _call_and_follow_ups(
    scenario: Scenario, spec: LocalCallSpec, storage: Storage, calls: Any, tmp: Path
) -> tuple[LocalCallResult, list[str]]:
    """The call; then, with `chat_service:`, delivery to a local chat service; then the
    follow-up checks (they read the store, so they run before it is closed). With `voicemail:`
    there is no call: the caller leaves a voicemail on the fallback path instead."""
    if scenario.voicemail is not None:
        result, failures = await leave_voicemail(
            dict(scenario.voicemail), storage, spec.directory, scenario.caller_number, scenario.now
        )
        return result, failures + await check_follow_ups(scenario.expect, storage, result, None)
    if scenario.chat_service is None:
        result = await run_local_call(spec, calls, scripted_caller(scenario))
        return result, await check_follow_ups(scenario.expect, storage, result, None)
    service = scenario.chat_service
    async with running_chat_service(
        service["answers"], stall_seconds=service["stall_seconds"]
    ) as chat:
        result = await run_local_call(spec, calls, scripted_caller(scenario))
        start = scenario.now + timedelta(hours=1)  # well after the call, whatever it did
        await deliver(storage, spec.directory, chat, start, tmp)
        result = await reread_notifications(storage, result)
    return result, await check_follow_ups(scenario.expect, storage, result, chat)


async def migrated_template(folder: Path) -> Path:
    """An empty SQLite store at the latest schema, made once per run: Alembic's context is
    process-global, so migrations must not run concurrently, and copying a file is faster."""
    path = folder / "template.db"
    storage = await open_storage(f"sqlite+aiosqlite:///{path}", migrate=True)
    await storage.dispose()  # the last connection closing folds the WAL into the file
    return path


async def run_scenarios(
    scenarios: Sequence[Scenario],
    *,
    wire: CallWiring,
    default_directory: Directory | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[ScenarioReport]:
    """Run scenarios concurrently (at most `concurrency` at once); reports in the given order."""
    directories = directories_for(scenarios, default_directory)
    gate = asyncio.Semaphore(max(1, concurrency))
    with tempfile.TemporaryDirectory(prefix="switchboard-scenarios-") as tmp:
        template = await migrated_template(Path(tmp))

        async def one(scenario: Scenario) -> ScenarioReport:
            async with gate:
                key = scenario.directory or DEFAULT_KEY
                return await run_scenario(scenario, directories[key], wire=wire, template=template)

        return list(await asyncio.gather(*(one(s) for s in scenarios)))


def scripted_caller(scenario: Scenario) -> ReadLine:
    """The caller: one turn per wait; hangs up once the turns (or `after_turn`) run out."""
    turns = list(scenario.turns)
    if scenario.after_turn is not None:
        turns = turns[: scenario.after_turn]
    pending = iter(turns)

    async def read() -> str | None:
        return next(pending, None)

    return read
