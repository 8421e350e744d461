"""The voice scenarios (tests/scenarios/voice/): the fallback path's voicemail transcribed by the
offline STT, run through `switchboard simulate` as a user runs them. They need the voice extra,
so they live outside the main suite (tests/e2e/test_scenarios.py), which runs without it too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.voice.availability import missing_voice_parts, voice_available
from switchboard.entrypoints.cli import app

VOICE = Path(__file__).parents[1] / "scenarios" / "voice"

pytestmark = pytest.mark.skipif(
    not voice_available(), reason="needs the [voice] extra: " + "; ".join(missing_voice_parts())
)


def test_the_voicemail_scenarios_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}")
    result = CliRunner().invoke(app, ["simulate", str(VOICE), "--json"])
    reports = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert reports, result.output
    for report in reports:
        assert report["passed"], report["failures"]
    assert {r["name"] for r in reports} == {"voicemail-transcribed"}
