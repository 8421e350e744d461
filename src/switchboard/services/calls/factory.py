"""The call factory: every call's `ReceptionistDeps`, its brain and its call record, from one place.

    parts = await calls.begin(call)                # the record is opened (and saved) first
    deps = parts.connect(telephony)                # the warm-transfer coordinator on this line
    ...                                            # hold the call (LiveKit room or text)
    outcome = await parts.finish(caller_hung_up=...)

The factory holds what outlives a call (the storage's unit of work, the outbox, the clock, the
hosted brain if any, the resolver cache); `begin` takes per-call overrides (a simulated clock, a
fixed directory, taps that watch the record and the message desk).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from livekit.agents import llm

from switchboard.domain.availability import describe_hours, reachability
from switchboard.domain.calendar.availability import ReachabilityFn, with_calendars
from switchboard.domain.caller_memory import KnownCaller
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver
from switchboard.domain.screening import Screening, ScreeningPolicy, verification
from switchboard.ports.brain import KnowsCaller
from switchboard.ports.caller_memory import CallerMemoryStore
from switchboard.ports.calls import CallControl, CallRecorder, MessageDesk
from switchboard.ports.clock import Clock
from switchboard.ports.metrics import CallMetrics, NoCallMetrics
from switchboard.ports.outbox import MessageOutbox
from switchboard.ports.telephony import Telephony
from switchboard.ports.voicemail import RecordingTranscriber, VoicemailLimits, VoicemailRecorder
from switchboard.services.calendars import CalendarCache
from switchboard.services.call_records import CallLog, UnitOfWorkFactory
from switchboard.services.caller_memory import CallerMemory
from switchboard.services.calls.resolvers import ResolverCache
from switchboard.services.calls.screening import message_only
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.follow_ups import TransferSummaries
from switchboard.services.receptionist.deps import CallState, ReceptionistDeps, VoicemailBox
from switchboard.services.transfer import TransferConfig, WarmTransferCoordinator
from switchboard.services.transfer.coordinator import ConnectedHook
from switchboard.settings import Settings

# (directory, call, default region) -> the offline brain for this company and caller
BrainFactory = Callable[[Directory, CallContext, str], llm.LLM[Any]]


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """What the settings say about every call. The defaults are the settings' defaults."""

    # The agent's brain says the words after a failed attempt; the coordinator must not repeat them.
    transfer: TransferConfig = field(default_factory=lambda: TransferConfig(announce_outcome=False))
    ai_disclosure: str | None = None
    default_region: str = "US"
    screening: ScreeningPolicy = field(default_factory=ScreeningPolicy)
    caller_memory: bool = True  # CALLER_MEMORY_ENABLED
    transfer_summary: bool = True  # TRANSFER_SUMMARY: tell the employee who was put through
    voicemail: VoicemailLimits = field(default_factory=VoicemailLimits)  # VOICEMAIL_*_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> CallPolicy:
        transfer = replace(TransferConfig.from_settings(settings), announce_outcome=False)
        screening = ScreeningPolicy.from_settings(
            settings.blocked_numbers, settings.failed_attestation_message_only
        )
        voicemail = VoicemailLimits(
            max_seconds=settings.voicemail_max_seconds,
            silence_seconds=settings.voicemail_silence_seconds,
        )
        return cls(
            transfer, settings.ai_disclosure, settings.default_region, screening,
            settings.caller_memory_enabled, settings.transfer_summary, voicemail,
        )  # fmt: skip


class CallTaps(Protocol):
    """Watchers a local call puts around the record and the message desk (to show and report)."""

    def recorder(self, log: CallLog) -> CallRecorder: ...

    def messages(self, desk: MessageDesk) -> MessageDesk: ...


def end_reason(state: CallState, outcome: CallOutcome) -> str:
    if outcome is CallOutcome.TRANSFERRED:
        return "transferred"
    return "agent_hung_up" if state.ended else "caller_hung_up"


@dataclass
class CallParts:
    """One call's parts. `connect` attaches the phone line; `finish` closes and saves the record."""

    call: CallContext
    directory: Directory
    resolver: Resolver
    clock: Clock
    log: CallLog  # the call record
    recorder: CallRecorder  # what the agent writes to: the log, or a tap around it
    messages: MessageDesk
    brain: llm.LLM[Any]
    hours: str
    policy: CallPolicy
    unit_of_work: UnitOfWorkFactory
    coordinator: WarmTransferCoordinator | None = None
    deps: ReceptionistDeps | None = None
    # Screening, caller memory and calendars (docs/call-behaviour.md, docs/calendars.md).
    screening: Screening = Screening.ALLOW
    memory: CallerMemory = field(default_factory=lambda: CallerMemory(None))
    reachability: ReachabilityFn = reachability
    on_connected: ConnectedHook | None = None  # the transfer summary, when it is on

    @property
    def known_caller(self) -> KnownCaller | None:
        return self.memory.known

    metrics: CallMetrics = field(default_factory=NoCallMetrics)
    _ended_counted: bool = field(default=False, init=False, repr=False)

    def connect(
        self,
        telephony: Telephony,
        *,
        voicemail: VoicemailRecorder | None = None,
        transcriber: RecordingTranscriber | None = None,
    ) -> ReceptionistDeps:
        """The agent's collaborators, with the warm-transfer coordinator over `telephony`. With a
        `voicemail` recorder for this line, a department's after-hours `voicemail` records the
        caller (transcribed by `transcriber`); without one the agent takes a message instead."""
        self.coordinator = WarmTransferCoordinator(
            telephony, self.clock, self.policy.transfer, self.on_connected, metrics=self.metrics
        )
        calls: CallControl = self.coordinator
        if self.memory.active:  # learns the caller's name; briefs about open messages
            calls = self.memory.briefed(calls)
        self.deps = ReceptionistDeps(
            directory=self.directory,
            resolver=self.resolver,
            reachability=self.reachability,
            clock=self.clock,
            calls=calls,
            messages=self.messages,
            recorder=self.recorder,
            call=self.call,
            ai_disclosure=self.policy.ai_disclosure,
            default_region=self.policy.default_region,
            known_caller=self.known_caller.name if self.known_caller else None,
            blocked=self.screening is Screening.BLOCK,
            groups=self.coordinator,
            voicemail=(
                VoicemailBox(voicemail, transcriber, self.policy.voicemail)
                if voicemail is not None
                else None
            ),
        )
        return self.deps

    @property
    def state(self) -> CallState:
        return self.deps.state if self.deps is not None else CallState()

    async def finish(
        self, *, caller_hung_up: bool = False, outcome: CallOutcome | None = None
    ) -> CallOutcome:
        """Close and save the call record (whatever ended the call); returns the outcome, which
        is the call state's unless the conversation already settled it."""
        state = self.state
        outcome = outcome or state.outcome(caller_hung_up=caller_hung_up)
        self.log.finish(
            outcome,
            end_reason=end_reason(state, outcome),
            transferred_to=state.transferred_to,
            message_id=state.message_id,
        )
        if not self._ended_counted:  # the call leaves "in progress" once, whatever calls this
            self._ended_counted = True
            self.metrics.call_ended(self.log.snapshot().outcome or outcome)
        await self.log.save(self.unit_of_work)
        if outcome is not CallOutcome.BLOCKED:
            await self.memory.remember(self.call, self.clock.now())
        return outcome


@dataclass
class CallFactory:
    """Builds every call's parts. Constructed by `switchboard.bootstrap` (which picks the adapters);
    every collaborator can be replaced, so tests wire fakes through the same code."""

    unit_of_work: UnitOfWorkFactory
    outbox: MessageOutbox
    clock: Clock
    offline_brain: BrainFactory
    policy: CallPolicy = field(default_factory=CallPolicy)
    brain: llm.LLM[Any] | None = None  # a hosted LLM shared by every call; None: offline per call
    resolvers: ResolverCache = field(default_factory=ResolverCache)
    caller_memory: CallerMemoryStore | None = None
    calendars: CalendarCache | None = None  # employees' busy times (None: no calendars)
    # Units of work that only read (the directory cache's); None: `unit_of_work`.
    read_unit_of_work: UnitOfWorkFactory | None = None

    async def load_directory(self) -> Directory:
        """The stored directory as this process last loaded it (checked against the stored
        revision at most once a second; see `ResolverCache`)."""
        return (await self.resolvers.current(self._reader)).directory

    @property
    def _reader(self) -> UnitOfWorkFactory:
        return self.read_unit_of_work or self.unit_of_work

    async def begin(
        self,
        call: CallContext,
        *,
        clock: Clock | None = None,
        directory: Directory | None = None,
        taps: CallTaps | None = None,
        calendars: CalendarCache | None = None,
        metrics: CallMetrics | None = None,
    ) -> CallParts:
        """Open `call`'s record (saved at once, so even a call that fails to start is on record)
        and build its parts. `directory` fixes the directory for the whole call (a local call's
        spec); by default it is the process's cached copy of the stored one (`ResolverCache`),
        looked up again when a message is taken so its notifications reach the current contacts.
        `calendars` replaces the factory's calendar cache for this call (a scenario's simulated
        calendars). `metrics` counts the call (the agent worker's Prometheus metrics); by default
        nothing is counted."""
        clock = clock or self.clock
        metrics = metrics or NoCallMetrics()
        log = CallLog(call, clock)
        await log.save(self.unit_of_work)
        current: Callable[[], Awaitable[Directory]]
        if directory is None:
            stored = await self.resolvers.current(self._reader)
            loaded, resolver, current = stored.directory, stored.resolver, self.load_directory
        else:
            loaded, resolver = directory, self.resolvers.for_directory(directory)
            current = _always(directory)
        # The settings' BLOCKED_NUMBERS and the directory's own block list, together.
        policy = self.policy.screening.including(loaded.blocked)
        screening = policy.screen(call.caller_number, call.verstat)
        log.record("screening", decision=screening, verification=verification(call.verstat))
        memory = CallerMemory(self.caller_memory, enabled=self.policy.caller_memory)
        if screening is not Screening.BLOCK:
            await memory.recall(call)
        desk: MessageDesk = OutboxMessageDesk(self.outbox, current, clock)
        if memory.active:
            desk = memory.listening(desk)
        recorder: CallRecorder = log
        if taps is not None:
            recorder, desk = taps.recorder(log), taps.messages(desk)
        region = self.policy.default_region
        calendars = calendars or self.calendars
        reach: ReachabilityFn = reachability
        if calendars is not None:
            calendars.refresh_if_stale(loaded)  # in the background; this call reads what is there
            reach = with_calendars(calendars.busy)
        if screening is Screening.MESSAGE_ONLY:
            reach = message_only(reach)
        brain = self.brain or self.offline_brain(loaded, call, region)
        if self.brain is None and memory.known is not None and isinstance(brain, KnowsCaller):
            brain.know_caller(memory.known.name)  # a per-call brain: never the shared hosted one
        metrics.call_started()  # only once the record is open: `finish` then ends it
        return CallParts(
            call=call,
            directory=loaded,
            resolver=resolver,
            clock=clock,
            log=log,
            recorder=recorder,
            messages=desk,
            brain=brain,
            hours=describe_hours(loaded.company),
            policy=self.policy,
            unit_of_work=self.unit_of_work,
            screening=screening,
            memory=memory,
            reachability=reach,
            on_connected=(
                TransferSummaries(self.outbox, current, clock).transfer_connected
                if self.policy.transfer_summary
                else None
            ),
            metrics=metrics,
        )


def _always(directory: Directory) -> Callable[[], Awaitable[Directory]]:
    async def current() -> Directory:
        return directory

    return current
