"""A CI-sized run of benchmarks/outbox.py: messages through the outbox with Twilio and SMTP faults,
a rejected number, three competing workers and one killed mid-run — and, checked against the fake's
and the SMTP server's own records, nothing lost and nothing sent twice."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import os
import sys
import traceback
from collections.abc import Coroutine
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "outbox.py"


async def _within(work: Coroutine[Any, Any, dict[str, Any]], seconds: float) -> dict[str, Any]:
    """`work`, or a failure naming where every task was stuck: a hang fails, never blocks CI."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        return task.result()
    stuck = io.StringIO()
    for other in asyncio.all_tasks():
        if other is not asyncio.current_task():
            stuck.write(f"{other!r}\n{_awaiting(other.get_coro())}")
    for ident, frame in sys._current_frames().items():
        stuck.write(f"thread {ident}:\n{''.join(traceback.format_stack(frame, limit=12))}")
    task.cancel()
    pytest.fail(f"the outbox run did not finish in {seconds:.0f} s; tasks:\n{stuck.getvalue()}")


def _awaiting(coro: Any) -> str:
    """Where a coroutine is suspended, all the way down (Task.print_stack shows only the top)."""
    lines = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)
    return "\n".join(lines) + "\n"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("outbox_benchmark", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_no_message_lost_or_duplicated_under_faults(database_url: str) -> None:
    args = argparse.Namespace(
        messages=150, workers=3, employees=12, rejected=2, fault_rate=0.15, kill_after=0.5,
        timeout=120, lease=10.0, database_url=database_url,
    )  # fmt: skip
    stats = await _within(
        load().run(args), seconds=float(os.environ.get("OUTBOX_TEST_SECONDS", "300"))
    )
    assert stats["messages"] == 150
    assert stats["lost_messages"] == 0
    assert stats["duplicate_sms"] == 0
    assert stats["duplicate_email"] == 0
    assert stats["sms_provider_ids_unknown_to_twilio"] == 0
    assert stats["emails_marked_sent_not_received_once"] == 0
    assert stats["ok"]
    # The faults really happened, and the rejected numbers fell back to another channel.
    assert stats["twilio_random_faults"] > 0
    assert stats["smtp_refusals"] > 0
    assert stats["fallbacks"] > 0
    # The killed worker died holding claimed work, and went when told.
    assert stats["killed_between_claim_and_send"]
    assert not stats["killed_worker_stuck"]
