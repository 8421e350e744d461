"""The one call wiring (`switchboard.bootstrap` → `CallFactory`): what it builds for a call, with
its defaults and with each override, and proof that the worker's `answer()` and
`run_local_call` (so `switchboard call` and `switchboard simulate`) both go through it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from livekit.agents import llm

from switchboard.adapters.brain.offline import OfflineBrain
from switchboard.adapters.livekit.sip_attributes import call_from_sip
from switchboard.adapters.simulator import SimulatedClock, SimulatedNetwork
from switchboard.adapters.simulator.voicemail_line import TextVoicemailRecorder
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.bootstrap import bootstrap, call_factory
from switchboard.domain.calls import CallContext, CallOutcome, TransferOutcome
from switchboard.domain.directory import EmployeeStatus
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.entrypoints import agent_worker
from switchboard.ports.calls import MessageRequest
from switchboard.ports.metrics import CallMetrics, NoCallMetrics
from switchboard.ports.telephony import Telephony
from switchboard.services.calls import CallFactory, CallParts, CallPolicy, CallTaps, ResolverCache
from switchboard.services.directory import demo_directory, seed_demo_if_empty
from switchboard.services.local_call import LocalCallSpec, run_local_call
from switchboard.services.receptionist.text_chat import run_text_conversation
from switchboard.settings import Settings

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
CALLER = "+16125550177"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    await seed_demo_if_empty(storage.unit_of_work)
    yield storage
    await storage.dispose()


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def text_call(
    calls: CallFactory,
    lines: list[str],
    attributes: dict[str, str],
    metrics: CallMetrics | None = None,
) -> tuple[CallParts, CallOutcome, list[str]]:
    """A real call's parts (as the worker builds them), held in text on a simulated line."""
    clock = SimulatedClock(TUESDAY_MORNING)
    network = SimulatedNetwork(clock, {})
    placed = network.place_call(CALLER)
    call = call_from_sip(placed.room_name, placed.caller_identity, attributes, fallback_id="AJ_1")
    parts = await calls.begin(call, clock=clock, metrics=metrics)
    deps = parts.connect(network)
    said: list[str] = []
    queue = list(lines)

    async def read_line() -> str | None:
        return queue.pop(0) if queue else None

    await run_text_conversation(deps, read_line, said.append, brain=parts.brain, hours=parts.hours)
    outcome = await parts.finish(caller_hung_up=not deps.state.ended)
    return parts, outcome, said


async def test_message_taken_on_a_real_call_is_stored_with_the_sip_caller_number(
    storage: Storage,
) -> None:
    attributes = {
        "sip.phoneNumber": CALLER,
        "sip.trunkPhoneNumber": "+13125550100",
        "sip.callID": "SCL_live1",
    }
    lines = [
        "I'd like to leave a message for Priya Raman.",
        "This is Ann Lee.",
        "The number I'm calling from is fine.",
        "Yes.",
        "The samples arrived, thank you.",
    ]
    _parts, outcome, said = await text_call(call_factory(storage), lines, attributes)
    assert outcome is CallOutcome.MESSAGE_TAKEN
    assert "Lakeshore" in said[0]  # the demo company's greeting
    stored = [s async for s in SqlAlchemyMessageQueries(storage.engine).newest()]
    assert len(stored) == 1
    message = stored[0].message
    assert (message.recipient_id, message.caller_name, message.callback_number) == (
        "priya-raman",
        "Ann Lee",
        CALLER,
    )
    assert message.call_id == "SCL_live1"
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("SCL_live1")
    assert record is not None
    assert (record.caller_number, record.dialed_number) == (CALLER, "+13125550100")
    assert record.outcome is CallOutcome.MESSAGE_TAKEN
    assert record.message_id == message.id
    assert record.started_at == TUESDAY_MORNING  # the clock override reaches the record


class RecordingMetrics(NoCallMetrics):
    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []

    def call_started(self) -> None:
        self.seen.append(("started", None))

    def call_ended(self, outcome: CallOutcome) -> None:
        self.seen.append(("ended", outcome))

    def transfer_finished(self, outcome: TransferOutcome, hold_seconds: float) -> None:
        self.seen.append(("transfer", (outcome, hold_seconds)))


async def test_the_call_is_counted_where_its_outcomes_are_decided(storage: Storage) -> None:
    metrics = RecordingMetrics()
    lines = ["Could you put me through to Priya Raman please?", "My name is Ann, about samples."]
    parts, outcome, _ = await text_call(call_factory(storage), lines, {}, metrics=metrics)
    await parts.finish(caller_hung_up=True)  # a second close (hold_call's finally) counts nothing
    kinds = [kind for kind, _ in metrics.seen]
    assert kinds[0] == "started"
    assert kinds.count("ended") == 1
    assert metrics.seen[-1] == ("ended", outcome)
    # nobody answers on this simulated line: the attempt is counted with its result and the
    # caller's time on hold (the ring timeout, on the simulated clock)
    transfers = [o for kind, o in metrics.seen if kind == "transfer"]
    assert transfers == [(TransferOutcome.NO_ANSWER, 25.0)]


async def test_by_default_a_call_counts_into_nothing(storage: Storage) -> None:
    parts = await call_factory(storage).begin(CALL)
    assert isinstance(parts.metrics, NoCallMetrics)
    await parts.finish()


async def test_withheld_caller_id_still_gets_an_answered_call(storage: Storage) -> None:
    parts, outcome, said = await text_call(call_factory(storage), ["What are your hours?"], {})
    assert len(said) >= 2  # the greeting, then the answer
    assert parts.call.caller_number is None
    assert parts.call.call_id == "AJ_1"
    assert outcome is CallOutcome.INFO_ONLY
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("AJ_1")
    assert record is not None
    assert record.ended_at is not None
    assert record.end_reason == "caller_hung_up"


CALL = CallContext(call_id="c-1", room_name="room-1", caller_identity="sip_1", caller_number=CALLER)


async def test_begin_saves_the_record_before_anything_else_can_fail(storage: Storage) -> None:
    await call_factory(storage).begin(CALL)
    async with storage.unit_of_work() as uow:
        record = await uow.calls.get("c-1")
    assert record is not None
    assert record.ended_at is None  # on record while it runs, even if the call never ends well


async def test_by_default_the_directory_is_the_stored_one_and_its_resolver_is_kept(
    storage: Storage,
) -> None:
    calls = call_factory(storage)
    first = await calls.begin(CALL)
    second = await calls.begin(replace(CALL, call_id="c-2"))
    assert first.directory == demo_directory()
    assert second.resolver is first.resolver  # the directory did not change: not rebuilt
    assert calls.resolvers.builds == 1
    assert isinstance(first.brain, OfflineBrain)  # no hosted brain: the offline one, per call
    assert second.brain is not first.brain


async def test_every_override_reaches_the_call(storage: Storage) -> None:
    hosted: llm.LLM[Any] = OfflineBrain(demo_directory().company)  # stands in for a hosted LLM
    policy = CallPolicy.from_settings(
        settings(
            transfer_merge_strategy="refer",
            transfer_ring_timeout=12,
            ai_disclosure="I am an AI.",
            default_region="GB",
        )
    )
    cache = ResolverCache()
    calls = call_factory(storage, policy, brain=hosted, resolvers=cache)
    directory = replace(demo_directory(), employees=demo_directory().employees[:2])
    clock = SimulatedClock(TUESDAY_MORNING)
    parts = await calls.begin(CALL, clock=clock, directory=directory)
    deps = parts.connect(SimulatedNetwork(clock, {}))
    assert parts.brain is hosted
    assert parts.directory == directory
    assert deps.directory == directory
    assert cache.directory == directory  # the caller's cache holds this call's resolver
    assert (deps.ai_disclosure, deps.default_region, deps.clock) == ("I am an AI.", "GB", clock)
    assert parts.coordinator is not None
    # Caller memory wraps the coordinator (to learn the caller's name and brief about open
    # messages); the transfers themselves are the coordinator's.
    assert getattr(deps.calls, "inner", deps.calls) is parts.coordinator
    config = parts.coordinator.config
    assert (config.merge_strategy, config.ring_timeout) == (MergeStrategy.REFER, 12)
    assert config.announce_outcome is False  # the brain says it; the coordinator must not repeat


async def test_a_fixed_directory_is_also_the_one_messages_are_planned_against(
    tmp_path: Path,
) -> None:
    # An empty store: the notifications can only come from the call's own directory.
    storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        taken: list[object] = []

        class Taps:
            def recorder(self, log: Any) -> Any:
                return log

            def messages(self, desk: Any) -> Any:
                taken.append(desk)
                return desk

        taps: CallTaps = Taps()
        calls = call_factory(storage)
        parts = await calls.begin(CALL, directory=demo_directory(), taps=taps)
        assert taken == [parts.messages]  # the tap saw the desk the agent uses
        receipt = await parts.messages.take_message(
            MessageRequest(call_id="c-1", recipient_kind="employee", recipient_id="priya-raman",
                           caller_name="Ann", callback_number=CALLER, text="Hello")
        )  # fmt: skip
        assert receipt.channels  # Priya's contacts, from the fixed directory
    finally:
        await storage.dispose()


async def test_bootstrap_passes_its_overrides_to_the_call_factory(tmp_path: Path) -> None:
    storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    clock = SimulatedClock(TUESDAY_MORNING)
    cache = ResolverCache()
    hosted: llm.LLM[Any] = OfflineBrain(demo_directory().company)
    app = await bootstrap(
        settings(transfer_ring_timeout=9), configure_logs=False, storage=storage, clock=clock,
        brain=hosted, resolvers=cache,
    )  # fmt: skip
    try:
        assert app.storage is storage
        assert app.clock is clock
        calls = app.calls
        assert (calls.clock, calls.brain, calls.resolvers) == (clock, hosted, cache)
        assert calls.policy.transfer.ring_timeout == 9
    finally:
        await app.close()


def test_the_resolver_is_rebuilt_only_when_the_directory_changes() -> None:
    cache = ResolverCache()
    directory = demo_directory()
    first = cache.for_directory(directory)
    assert cache.for_directory(demo_directory()) is first  # equal content: reused
    employees = tuple(
        e.with_changes(status=EmployeeStatus.DND) if e.id == "priya-raman" else e
        for e in directory.employees
    )
    changed = replace(directory, employees=employees)
    assert cache.for_directory(changed) is not first
    assert cache.builds == 2


# --- both paths go through the same factory ---------------------------------------------------------
class CountingFactory(CallFactory):
    """The real factory, counting the calls it builds and the lines they are connected to."""

    begun: list[CallContext]
    lines: list[Telephony]
    voicemail: list[Any]  # each line's voicemail recorder (None: none on that line)

    async def begin(self, call: CallContext, **overrides: Any) -> CallParts:
        self.begun.append(call)
        parts = await super().begin(call, **overrides)
        connect = parts.connect

        def counted(telephony: Telephony, **line: Any) -> Any:
            self.lines.append(telephony)
            self.voicemail.append(line.get("voicemail"))
            return connect(telephony, **line)

        parts.connect = counted  # type: ignore[method-assign]
        return parts


def counting(storage: Storage) -> CountingFactory:
    real = call_factory(storage)
    factory = CountingFactory(**{f: getattr(real, f) for f in real.__dataclass_fields__})
    factory.begun, factory.lines, factory.voicemail = [], [], []
    return factory


async def test_a_local_call_is_built_by_the_factory(storage: Storage) -> None:
    calls = counting(storage)
    turns = ["What are your hours?"]

    async def read_line() -> str | None:
        return turns.pop(0) if turns else None

    spec = LocalCallSpec(directory=demo_directory(), start=TUESDAY_MORNING)
    result = await run_local_call(spec, calls, read_line)
    assert [c.call_id for c in calls.begun] == [result.call_id]
    assert len(calls.lines) == 1  # the simulated network, under the same coordinator
    assert isinstance(calls.lines[0], SimulatedNetwork)
    # After hours a department's voicemail takes the caller's next line on a local call.
    assert isinstance(calls.voicemail[0], TextVoicemailRecorder)


def test_the_voicemail_limits_come_from_the_settings() -> None:
    policy = CallPolicy.from_settings(
        settings(voicemail_max_seconds=45, voicemail_silence_seconds=2.5)
    )
    assert (policy.voicemail.max_seconds, policy.voicemail.silence_seconds) == (45, 2.5)


class Stop(Exception):
    pass


async def test_the_worker_answers_a_call_with_the_factory(storage: Storage) -> None:
    calls = counting(storage)
    parts_seen: list[CallParts] = []
    real_begin = calls.begin

    async def begin_then_stop(call: CallContext, **overrides: Any) -> CallParts:
        parts_seen.append(await real_begin(call, **overrides))
        raise Stop  # far enough: everything after this needs a LiveKit room with media

    calls.begin = begin_then_stop  # type: ignore[method-assign]
    app = SimpleNamespace(calls=calls, settings=settings())
    ctx = SimpleNamespace(proc=SimpleNamespace(userdata={}))
    with pytest.raises(Stop):
        await agent_worker.answer(ctx, CALL, app, None, ("u", "k", "s"), "")  # type: ignore[arg-type]
    assert calls.begun == [CALL]
    assert parts_seen[0].call == CALL
    async with storage.unit_of_work() as uow:
        assert await uow.calls.get("c-1") is not None  # the record came from the factory


async def test_the_record_clock_is_the_factorys_unless_overridden(storage: Storage) -> None:
    fixed = SimulatedClock(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    calls = call_factory(storage, clock=fixed)
    parts = await calls.begin(CALL)
    assert parts.clock is fixed
    assert parts.log.snapshot().started_at == fixed.now()
