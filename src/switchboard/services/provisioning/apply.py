"""Execute a plan in dependency order; on a provider error stop and say what was and was not done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from switchboard.domain.errors import Refused
from switchboard.domain.provisioning import Plan, Step, ref
from switchboard.ports.provisioning import SetupProviders

# (step, "start" | "done" | "failed") — the CLI draws progress from it.
Progress = Callable[[Step, str], None]


class PlanBlocked(Refused, RuntimeError):
    """The plan has blocked steps; nothing was changed."""

    def __init__(self, plan: Plan) -> None:
        lines = [f"{s.desired.kind.value} {s.desired.name}: {s.reason}" for s in plan.blocked]
        super().__init__("nothing was changed, because:\n" + "\n".join(lines))
        self.plan = plan


@dataclass
class ApplyReport:
    """What happened. `new_secrets` holds generated passwords to show once: never log it."""

    applied: list[Step] = field(default_factory=list)
    not_applied: list[Step] = field(default_factory=list)
    failed: Step | None = None
    error: str | None = None
    new_secrets: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """Every pending step was applied."""
        return self.failed is None


async def apply_plan(
    plan: Plan,
    providers: SetupProviders,
    *,
    progress: Progress | None = None,
) -> ApplyReport:
    """Apply every pending step in order. Raises `PlanBlocked` before touching anything.

    A provider error ends the run: the report names the failed step, explains the error in plain
    words, and lists the steps that were applied and those that were not. Running apply again
    resumes, because the next plan sees what is already live.
    """
    if plan.blocked:
        raise PlanBlocked(plan)
    report = ApplyReport()
    ids = plan.live_ids()
    pending = [s for s in plan.steps if s.pending]
    for index, step in enumerate(pending):
        if progress:
            progress(step, "start")
        try:
            new_id = await providers.apply_step(step, ids, report.new_secrets)
        except Exception as exc:  # every failure is reported, not raised: see the docstring
            if progress:
                progress(step, "failed")
            report.failed, report.error = step, providers.explain(exc)
            report.not_applied = pending[index:]
            return report
        ids[ref(step.desired.kind)] = new_id
        report.applied.append(step)
        if progress:
            progress(step, "done")
    return report
