"""The shipped scenario suite (tests/scenarios/), run through `switchboard simulate` exactly as a
user or CI runs it: every scenario must pass, and together they cover every outcome and hang-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from switchboard.adapters.directory_file import read_directory_file
from switchboard.bootstrap import call_factory
from switchboard.entrypoints.cli import app as cli_app
from switchboard.services.scenarios import is_scenario_file, load_scenario, run_scenarios

SUITE = Path(__file__).parents[1] / "scenarios"
KEYS = [
    "name", "outcome", "transferred_to", "attempts", "dialed", "message", "notifications",
    "transcript", "passed", "failures",
]  # fmt: skip


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SWITCHBOARD_LLM", "offline")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def suite_output(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """One run of the whole suite for every check below (it takes a few seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        mp.setenv("SWITCHBOARD_LLM", "offline")
        mp.delenv("DATABASE_URL", raising=False)
        result = CliRunner().invoke(cli_app, ["simulate", str(SUITE), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_every_scenario_passes(suite_output: list[dict[str, Any]]) -> None:
    failed = {r["name"]: r["failures"] for r in suite_output if not r["passed"]}
    assert failed == {}
    files = [p for p in sorted(SUITE.glob("*.yaml")) if is_scenario_file(p)]
    assert len(suite_output) == len(files) >= 20


def test_each_object_has_exactly_the_contract_keys(suite_output: list[dict[str, Any]]) -> None:
    for report in suite_output:
        assert list(report) == KEYS
        for line in report["transcript"]:
            assert line["role"] in {"agent", "caller", "employee"}


def test_the_suite_covers_every_outcome_and_hang_up_point() -> None:
    scenarios = [load_scenario(p) for p in SUITE.glob("*.yaml") if is_scenario_file(p)]
    outcomes = {s.expect.get("outcome") for s in scenarios}
    assert outcomes >= {
        "transferred",
        "message_taken",
        "voicemail",
        "info_only",
        "ended_by_caller",
        "no_transfer",
    }
    results = {a.get("result") for s in scenarios for a in s.expect.get("attempts", [])}
    assert results >= {
        "connected", "declined", "no_answer", "busy", "voicemail", "failed", "caller_hung_up",
        "message_requested",
    }  # fmt: skip
    during = {s.hangup["during"] for s in scenarios if s.hangup}
    assert during >= {"hold", "ringing", "consultation"}
    assert any(s.after_turn is not None for s in scenarios)


def test_no_employee_number_or_email_is_ever_spoken_to_the_caller(
    suite_output: list[dict[str, Any]],
) -> None:
    file = read_directory_file(SUITE / "directory.yaml")
    assert file.directory is not None
    private = {digits(v)[-7:] for e in file.directory.employees for v in (e.phone, e.sms) if v} | {
        e.email for e in file.directory.employees if e.email
    }
    for report in suite_output:
        for line in report["transcript"]:
            spoken = line["text"] if line["role"] == "agent" else ""
            assert not any(p in digits(spoken) or p in spoken for p in private), line


def digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit()) or "-"


def test_a_failing_expectation_fails_the_command(data_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        (SUITE / "transfer-accepted.yaml")
        .read_text()
        .replace("directory: directory.yaml", f"directory: {SUITE / 'directory.yaml'}")
        .replace("outcome: transferred", "outcome: message_taken")
    )
    result = CliRunner().invoke(cli_app, ["simulate", str(wrong)])
    assert result.exit_code == 1
    assert "outcome: expected 'message_taken', got 'transferred'" in result.output
    assert "0/1 scenarios passed." in result.output
    assert not (data_dir / "switchboard.db").exists()  # your own store is never opened for it


def test_a_bad_scenario_file_stops_before_anything_runs(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncaller: {turns: [hi]}\nemployees: {nobody: {answer: true}}\n")
    result = CliRunner().invoke(cli_app, ["simulate", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml: employees: employees not in the directory: nobody" in result.output


async def test_a_crashing_call_is_reported_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from switchboard.services.local_call import run_local_call as real

    scenarios = [load_scenario(SUITE / n) for n in ("info-only.yaml", "transfer-accepted.yaml")]

    async def flaky(spec, storage, read_line, **kw):  # type: ignore[no-untyped-def]
        if spec.employees:
            raise RuntimeError("boom")
        return await real(spec, storage, read_line, **kw)

    monkeypatch.setattr("switchboard.services.scenarios.runner.run_local_call", flaky)
    reports = await run_scenarios(scenarios, wire=call_factory)
    assert [r.passed for r in reports] == [True, False]
    assert reports[1].failures == ["crashed: RuntimeError: boom"]
    assert reports[1].as_json()["outcome"] is None


def test_without_a_directory_key_the_stored_directory_is_used(
    data_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    imported = runner.invoke(cli_app, ["directory", "import", str(SUITE / "directory.yaml")])
    assert imported.exit_code == 0, imported.output
    scenario = tmp_path / "stored.yaml"
    scenario.write_text(
        'now: "2026-11-24T10:15:00-06:00"\n'
        "caller: {turns: [Grace Liu please, This is Ann Lee, About my paycheck]}\n"
        "employees: {grace-liu: {answer: true, decision: accept}}\n"
        "expect: {outcome: transferred, transferred_to: grace-liu}\n"
    )
    result = runner.invoke(cli_app, ["simulate", str(scenario), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["passed"] is True
