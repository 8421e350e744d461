"""The agent's metrics: what a call counts, and how the worker adds up its job processes
(prometheus-client multiprocess files, as livekit-agents' process pool needs)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from switchboard.adapters.prometheus import AgentMetrics, forget_dead_processes, render
from switchboard.adapters.prometheus.exposition import archive_dead_processes
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallOutcome, TransferOutcome
from switchboard.ports.metrics import TurnStage


def samples(text: bytes) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text.decode()):
        for s in family.samples:
            labels = {k: v for k, v in s.labels.items() if k != "pid"}
            found[(s.name, frozenset(labels.items()))] = s.value
    return found


def one(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


def test_a_call_is_counted_from_start_to_outcome() -> None:
    metrics = AgentMetrics(CollectorRegistry())
    before = samples(render(None, metrics.registry))
    # every series exists at zero before the first call (rates and "no call" alerts need it)
    assert before[one("switchboard_calls_total", outcome="transferred")] == 0
    assert before[one("switchboard_transfer_attempts_total", result="no_answer")] == 0
    metrics.call_started()
    metrics.call_started()
    assert samples(render(None, metrics.registry))[one("switchboard_calls_in_progress")] == 2
    metrics.transfer_finished(TransferOutcome.NO_ANSWER, 27.5)
    metrics.transfer_finished(TransferOutcome.CONNECTED, 11.0)
    metrics.call_ended(CallOutcome.TRANSFERRED)
    found = samples(render(None, metrics.registry))
    assert found[one("switchboard_calls_in_progress")] == 1
    assert found[one("switchboard_calls_total", outcome="transferred")] == 1
    assert found[one("switchboard_transfer_attempts_total", result="connected")] == 1
    assert found[one("switchboard_transfer_hold_seconds_sum", result="no_answer")] == 27.5
    assert found[one("switchboard_transfer_connect_seconds_count")] == 1  # connected only
    assert found[one("switchboard_transfer_connect_seconds_sum")] == 11.0


def test_turn_latency_ignores_missing_measurements() -> None:
    metrics = AgentMetrics(CollectorRegistry())
    metrics.turn_latency(TurnStage.FIRST_AUDIO, 0.8)
    metrics.turn_latency(TurnStage.LLM, -1.0)  # "not measured"
    found = samples(render(None, metrics.registry))
    assert found[one("switchboard_turn_latency_seconds_count", stage="first_audio")] == 1
    assert found[one("switchboard_turn_latency_seconds_count", stage="llm")] == 0


def test_call_quality_observes_only_what_was_measured() -> None:
    metrics = AgentMetrics(CollectorRegistry())
    metrics.call_quality(CallQuality(packets_received=0, packets_lost=0, jitter_ms_mean=12.0))
    found = samples(render(None, metrics.registry))
    assert found[one("switchboard_call_packet_loss_percent_count")] == 0  # no packets: no figure
    assert found[one("switchboard_call_jitter_milliseconds_sum")] == 12.0
    assert found[one("switchboard_call_round_trip_milliseconds_count")] == 0


JOB = textwrap.dedent(
    """
    import sys
    from switchboard.adapters.prometheus import job_process_metrics
    from switchboard.domain.calls import CallOutcome, TransferOutcome
    m = job_process_metrics()
    m.call_started()
    m.transfer_finished(TransferOutcome.BUSY, 12.5)
    m.job_memory(int(sys.argv[1]))
    if sys.argv[2] == "ends":
        m.call_ended(CallOutcome.MESSAGE_TAKEN)
    """
)


def run_job(directory: Path, memory: int, how: str) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path("src").resolve()), env.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, "-c", JOB, str(memory), how], env=env, check=True, timeout=60)


def test_job_processes_are_added_up_and_dead_ones_leave_no_live_gauge(tmp_path: Path) -> None:
    run_job(tmp_path, 300_000_000, "ends")  # a call that ended properly
    run_job(tmp_path, 500_000_000, "crashes")  # a process that died mid-call
    files = sorted(p.name for p in tmp_path.iterdir())
    assert any(f.startswith("gauge_livesum_") for f in files), files
    found = samples(render(tmp_path))
    # both processes are gone: their counters stay, their live gauges do not
    assert found[one("switchboard_calls_total", outcome="message_taken")] == 1
    assert found[one("switchboard_calls_total", outcome="transferred")] == 0
    assert one("switchboard_calls_in_progress") not in found
    assert one("switchboard_agent_job_memory_bytes") not in found
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("gauge_live")]


def test_a_live_process_keeps_its_gauges(tmp_path: Path) -> None:
    own = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    own.write_bytes(b"")  # the test process is alive
    dead = tmp_path / "gauge_livemax_999999999.db"  # beyond any pid_max
    dead.write_bytes(b"")
    assert forget_dead_processes(tmp_path) == [999999999]
    assert own.exists()
    assert not dead.exists()


@pytest.mark.parametrize("name", ["counter_12.db", "gauge_all_12.db", "gauge_livesum_x.db"])
def test_other_files_are_never_removed(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    forget_dead_processes(tmp_path)
    assert (tmp_path / name).exists()


def test_ended_processes_are_archived_and_the_totals_do_not_change(tmp_path: Path) -> None:
    for _ in range(3):
        run_job(tmp_path, 100_000_000, "ends")
    assert len(list(tmp_path.glob("counter_*.db"))) == 3
    first = samples(render(tmp_path))
    assert first[one("switchboard_calls_total", outcome="message_taken")] == 3
    # the three processes' counter and histogram files are now one archive each
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "counter_archive.db",
        "histogram_archive.db",
    ]
    assert samples(render(tmp_path)) == first  # a second scrape reads the archive alone
    run_job(tmp_path, 100_000_000, "ends")  # one more call after the archiving
    found = samples(render(tmp_path))
    assert found[one("switchboard_calls_total", outcome="message_taken")] == 4
    assert found[one("switchboard_transfer_hold_seconds_sum", result="busy")] == 50.0
    assert found[one("switchboard_transfer_hold_seconds_bucket", result="busy", le="15.0")] == 4
    assert found[one("switchboard_transfer_hold_seconds_bucket", result="busy", le="10.0")] == 0
    assert archive_dead_processes(tmp_path) == 0  # nothing left to archive
