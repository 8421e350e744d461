"""A CI-sized run of benchmarks/outbox.py: messages through the outbox with Twilio and SMTP faults,
a rejected number, three competing workers and one killed mid-run — and, checked against the fake's
and the SMTP server's own records, nothing lost and nothing sent twice."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "outbox.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("outbox_benchmark", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_no_message_lost_or_duplicated_under_faults(tmp_path: Path) -> None:
    # SQLite only in CI: on PostgreSQL this run once hung under a loaded CI machine (being looked
    # into); `benchmarks/outbox.py --database-url` runs it on PostgreSQL by hand.
    args = argparse.Namespace(
        messages=150, workers=3, employees=12, rejected=2, fault_rate=0.15, kill_after=0.5,
        timeout=120, lease=10.0, database_url=f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}",
    )  # fmt: skip
    stats = await asyncio.wait_for(load().run(args), timeout=300)  # a hang fails, never blocks CI
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
