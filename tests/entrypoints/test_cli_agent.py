"""`switchboard agent check|start` as a user runs them: one clear line for each thing missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.adapters.voice.availability import voice_available
from switchboard.entrypoints.cli import app

runner = CliRunner()
# With offline voice (the default), the worker needs the [voice] extra; CI installs it.
needs_voice = pytest.mark.skipif(not voice_available(), reason="the [voice] extra is not installed")
SECRET = "devsecret-devsecret-devsecret-devsecret"


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")


def livekit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVEKIT_URL", "http://127.0.0.1:7880")
    monkeypatch.setenv("LIVEKIT_API_KEY", "devkey")
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["agent", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["check", "start", "dev"])
def test_missing_livekit_settings_name_every_variable(command: str) -> None:
    code, out = invoke(command)
    assert code == 2
    assert (
        "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET: required to run the agent worker" in out
    )
    assert "Traceback" not in out


def test_only_the_missing_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    livekit(monkeypatch)
    monkeypatch.delenv("LIVEKIT_API_SECRET")
    code, out = invoke("check")
    assert code == 2
    assert "LIVEKIT_API_SECRET: required" in out
    assert "LIVEKIT_URL" not in out


def test_a_hosted_brain_without_its_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    livekit(monkeypatch)
    monkeypatch.setenv("SWITCHBOARD_LLM", "openai/gpt-4o-mini")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, out = invoke("check")
    assert code == 2
    assert "SWITCHBOARD_LLM" in out


@needs_voice
def test_check_wants_a_migrated_database_then_reports_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    livekit(monkeypatch)
    code, out = invoke("check")
    assert code == 1
    assert "switchboard db upgrade" in out
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    code, out = invoke("check")
    assert code == 0, out
    assert "agent name 'switchboard'" in out
    assert "LIVEKIT_OUTBOUND_TRUNK_ID is not set" in out  # a warning, not a failure
    assert "ready: `switchboard agent start`" in out


@needs_voice
def test_start_reports_an_unreachable_livekit_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    livekit(monkeypatch)
    monkeypatch.setenv("LIVEKIT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("AGENT_HTTP_PORT", "0")
    from switchboard.entrypoints import agent_worker

    real = agent_worker.run_worker

    async def quick(settings: object, **kwargs: object) -> None:
        await real(settings, devmode=True, max_retry=1)  # type: ignore[arg-type]

    monkeypatch.setattr(agent_worker, "run_worker", quick)
    assert invoke("check")[0] == 1  # a new install: the database is not migrated yet
    code, out = invoke("start")
    assert code == 1
    assert "the agent worker stopped: failed to connect to livekit after 1 attempts" in out
    code, out = invoke("check")  # `start` migrated it before the worker tried to connect
    assert code == 0, out
