"""`switchboard calls local` shows each call's audio quality, and "—" when nothing was measured
(a local call has no RTC stats: nothing is invented)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.call_record import CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.entrypoints.cli.calls import calls_app, quality_text

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
MEASURED = CallQuality(
    packets_received=9_900,
    packets_lost=100,
    jitter_ms_mean=4.4,
    jitter_ms_max=18.2,
    round_trip_ms_mean=41.3,
    round_trip_ms_max=90.0,
)


async def _seed(url: str) -> None:
    storage = await open_storage(url)
    try:
        async with storage.unit_of_work() as uow:
            for call_id, minutes, quality in (("real", 1, MEASURED), ("local", 0, None)):
                start = T0 + timedelta(minutes=minutes)
                await uow.calls.save(
                    CallRecord(
                        call_id=call_id,
                        started_at=start,
                        ended_at=start + timedelta(seconds=30),
                        outcome=CallOutcome.INFO_ONLY,
                        quality=quality,
                    )
                )
            await uow.commit()
    finally:
        await storage.dispose()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'calls.db'}"
    asyncio.run(_seed(url))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "250")  # the table is wide


@pytest.mark.usefixtures("database")
def test_the_table_shows_quality_or_a_dash() -> None:
    result = CliRunner().invoke(calls_app, ["local"])
    assert result.exit_code == 0, result.output
    lines = {
        line.split("│")[-2].strip(): line for line in result.output.splitlines() if "│" in line
    }
    assert "loss 1.0% jitter 4/18 ms rtt 41 ms" in lines["real"]
    assert "—" in lines["local"]
    assert "loss" not in lines["local"]


@pytest.mark.usefixtures("database")
def test_json_has_the_numbers_or_null() -> None:
    result = CliRunner().invoke(calls_app, ["local", "--json"])
    assert result.exit_code == 0, result.output
    by_id = {r["call_id"]: r for r in json.loads(result.stdout)}
    assert by_id["local"]["quality"] is None
    quality = by_id["real"]["quality"]
    assert quality["packet_loss_percent"] == pytest.approx(1.0)
    assert (quality["packets_received"], quality["packets_lost"]) == (9_900, 100)
    assert quality["round_trip_ms_max"] == 90.0


def test_partial_stats_show_only_what_was_measured() -> None:
    assert quality_text(CallQuality(round_trip_ms_mean=12.4)) == "rtt 12 ms"
    assert quality_text(CallQuality(packets_received=0, packets_lost=0)) == "—"  # no packets
