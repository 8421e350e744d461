"""`CallMetrics` counted in Prometheus, named like `switchboard serve`'s (`switchboard_…`).

Each call runs in its own job process (livekit-agents' process pool), so these live in every job
process; the worker's main process adds them up from the multiprocess files when scraped (see
`exposition`). Gauges therefore say how the processes combine: calls in progress are summed over
the live processes, memory is the largest live process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallOutcome, TransferOutcome
from switchboard.ports.metrics import TurnStage

# A turn's stages are sub-second when all is well; a slow hosted model takes seconds.
_TURN_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
# Ringing is bounded by TRANSFER_RING_TIMEOUT (25 s) and the employee's decision (20 s).
_HOLD_BUCKETS = (1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0)
_LOSS_BUCKETS = (0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0)  # percent; >1 % is audible on G.711
_JITTER_BUCKETS = (5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 200.0)  # milliseconds
_RTT_BUCKETS = (10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0)  # milliseconds


class AgentMetrics:
    """The agent's metrics in `registry`. Every label value is known in advance (outcomes,
    results, stages), so each series exists at 0 before its first call: rates and "no call for
    N minutes" alerts work from the first scrape."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.in_progress = Gauge(
            "switchboard_calls_in_progress",
            "Calls being answered now, over every job process.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.calls = Counter(
            "switchboard_calls",
            "Calls answered, by outcome once the call ended.",
            ("outcome",),
            registry=registry,
        )
        self.transfers = Counter(
            "switchboard_transfer_attempts",
            "Transfer attempts (one dial of one employee), by result.",
            ("result",),
            registry=registry,
        )
        self.hold = Histogram(
            "switchboard_transfer_hold_seconds",
            "Time the caller spent on hold during one transfer attempt, by result.",
            ("result",),
            buckets=_HOLD_BUCKETS,
            registry=registry,
        )
        self.connect = Histogram(
            "switchboard_transfer_connect_seconds",
            "Time from the start of a transfer attempt to the caller talking to the employee.",
            buckets=_HOLD_BUCKETS,
            registry=registry,
        )
        self.turns = Histogram(
            "switchboard_turn_latency_seconds",
            "Per-turn latency by stage: stt, end_of_turn, llm (first token), tts (first audio "
            "chunk), first_audio (end of the caller's speech to the agent's first audio).",
            ("stage",),
            buckets=_TURN_BUCKETS,
            registry=registry,
        )
        self.loss = Histogram(
            "switchboard_call_packet_loss_percent",
            "Packet loss of the caller's audio over one call, in percent.",
            buckets=_LOSS_BUCKETS,
            registry=registry,
        )
        self.jitter = Histogram(
            "switchboard_call_jitter_milliseconds",
            "Mean interarrival jitter of the caller's audio over one call.",
            buckets=_JITTER_BUCKETS,
            registry=registry,
        )
        self.round_trip = Histogram(
            "switchboard_call_round_trip_milliseconds",
            "Mean round-trip time of the agent's media connection over one call.",
            buckets=_RTT_BUCKETS,
            registry=registry,
        )
        self.memory = Gauge(
            "switchboard_agent_job_memory_bytes",
            "Resident memory of the largest live job process (one call each).",
            registry=registry,
            multiprocess_mode="livemax",
        )
        for outcome in CallOutcome:
            self.calls.labels(outcome.value)
        for result in TransferOutcome:
            self.transfers.labels(result.value)
            self.hold.labels(result.value)
        for stage in TurnStage:
            self.turns.labels(stage.value)

    def call_started(self) -> None:
        self.in_progress.inc()

    def call_ended(self, outcome: CallOutcome) -> None:
        self.in_progress.dec()
        self.calls.labels(outcome.value).inc()

    def transfer_finished(self, outcome: TransferOutcome, hold_seconds: float) -> None:
        self.transfers.labels(outcome.value).inc()
        self.hold.labels(outcome.value).observe(max(hold_seconds, 0.0))
        if outcome is TransferOutcome.CONNECTED:
            self.connect.observe(max(hold_seconds, 0.0))

    def turn_latency(self, stage: TurnStage, seconds: float) -> None:
        if seconds >= 0:  # the SDK reports a missing measurement as a negative or absent value
            self.turns.labels(stage.value).observe(seconds)

    def call_quality(self, quality: CallQuality) -> None:
        if (loss := quality.packet_loss_percent) is not None:
            self.loss.observe(loss)
        if quality.jitter_ms_mean is not None:
            self.jitter.observe(quality.jitter_ms_mean)
        if quality.round_trip_ms_mean is not None:
            self.round_trip.observe(quality.round_trip_ms_mean)

    def job_memory(self, rss_bytes: int) -> None:
        self.memory.set(rss_bytes)


_job_metrics: AgentMetrics | None = None


def job_process_metrics() -> AgentMetrics:
    """This process's metrics (one set per job process; in multiprocess mode the values go to
    files named by pid, whichever registry holds them)."""
    global _job_metrics
    if _job_metrics is None:
        _job_metrics = AgentMetrics(CollectorRegistry(auto_describe=True))
    return _job_metrics
