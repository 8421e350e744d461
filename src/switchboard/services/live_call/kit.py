"""One real call's parts, built from long-lived ones.

A `CallKit` lives as long as the worker process (settings, storage, the hosted LLM if any, a
resolver cache); `deps()` builds one call's `ReceptionistDeps` around the call's `CallControl`
(the warm-transfer coordinator on LiveKit) and its call record. The same agent, tools and
guardrails as `switchboard call`; only the phone network and the audio differ.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm

from switchboard.adapters.brain.offline import OfflineBrain
from switchboard.adapters.sqlalchemy import Storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.availability import describe_hours, reachability
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.directory import Directory
from switchboard.domain.resolution import Resolver
from switchboard.ports.calls import CallControl
from switchboard.ports.clock import Clock
from switchboard.services.call_records import CallLog
from switchboard.services.directory import load_directory
from switchboard.services.messaging.desk import OutboxMessageDesk
from switchboard.services.receptionist.deps import CallState, ReceptionistDeps
from switchboard.settings import Settings


@dataclass
class ResolverCache:
    """The resolver for the directory as last seen; rebuilt only when the directory changed
    (building takes ~1 s at 100k names, reloading the directory a few ms)."""

    directory: Directory | None = None
    resolver: Resolver | None = None
    builds: int = 0

    def for_directory(self, directory: Directory) -> Resolver:
        if self.resolver is None or directory != self.directory:
            self.resolver, self.directory = Resolver.build(directory), directory
            self.builds += 1
        return self.resolver


@dataclass
class CallKit:
    settings: Settings
    storage: Storage
    clock: Clock
    hosted_llm: llm.LLM[Any] | None = None  # None: the offline brain, built per call
    resolvers: ResolverCache = field(default_factory=ResolverCache)

    async def directory(self) -> Directory:
        return await load_directory(self.storage.unit_of_work)

    async def deps(
        self, call: CallContext, calls: CallControl, recorder: CallLog, directory: Directory
    ) -> ReceptionistDeps:
        """This call's collaborators, around the directory loaded when the call began."""
        current: Callable[[], Awaitable[Directory]] = self.directory
        desk = OutboxMessageDesk(SqlAlchemyMessageOutbox(self.storage.engine), current, self.clock)
        return ReceptionistDeps(
            directory=directory,
            resolver=self.resolvers.for_directory(directory),
            reachability=reachability,
            clock=self.clock,
            calls=calls,
            messages=desk,
            recorder=recorder,
            call=call,
            ai_disclosure=self.settings.ai_disclosure,
            default_region=self.settings.default_region,
        )

    def brain(self, directory: Directory, call: CallContext) -> llm.LLM[Any]:
        """The hosted LLM, or an offline brain for this company and caller."""
        if self.hosted_llm is not None:
            return self.hosted_llm
        return OfflineBrain(
            directory.company,
            hours=describe_hours(directory.company),
            caller_number=call.caller_number,
            default_region=self.settings.default_region,
        )


def end_reason(state: CallState, outcome: CallOutcome) -> str:
    if outcome is CallOutcome.TRANSFERRED:
        return "transferred"
    return "agent_hung_up" if state.ended else "caller_hung_up"


async def finish_call(
    recorder: CallLog, state: CallState, storage: Storage, *, caller_hung_up: bool
) -> CallOutcome:
    """Close and save the call record (whatever ended the call); returns the outcome."""
    outcome = state.outcome(caller_hung_up=caller_hung_up)
    recorder.finish(
        outcome,
        end_reason=end_reason(state, outcome),
        transferred_to=state.transferred_to,
        message_id=state.message_id,
    )
    await recorder.save(storage.unit_of_work)
    return outcome
