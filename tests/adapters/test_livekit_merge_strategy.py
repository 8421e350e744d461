"""Choosing the merge strategy from the LiveKit deployment: move only on LiveKit Cloud.

Open-source livekit-server has no MoveParticipant (it answers 500 "not implemented"), so the
default is refer unless LIVEKIT_URL is a `*.livekit.cloud` project, and `agent check` refuses an
explicit move against a self-hosted server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchboard.domain.transfer.events import MergeStrategy
from switchboard.entrypoints.agent_worker import check_worker
from switchboard.entrypoints.cli import app
from switchboard.settings import Settings, SettingsError, is_livekit_cloud

SECRET = "devsecret-devsecret-devsecret-devsecret"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("LIVEKIT_URL", "TRANSFER_MERGE_STRATEGY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")


def settings(url: str | None, **more: object) -> Settings:
    return Settings(
        livekit_url=url,
        livekit_api_key="devkey",
        livekit_api_secret=SECRET,
        **more,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("url", "cloud"),
    [
        ("wss://acme-7xk2.livekit.cloud", True),
        ("wss://ACME.LiveKit.Cloud", True),
        ("wss://livekit.example.com", False),
        ("wss://livekit.cloud.example.com", False),
        ("wss://evil-livekit.cloud", False),
        ("http://127.0.0.1:7880", False),
        (None, False),
    ],
)
def test_livekit_cloud_is_recognised_by_its_host(url: str | None, cloud: bool) -> None:
    assert is_livekit_cloud(url) is cloud
    expected = MergeStrategy.MOVE if cloud else MergeStrategy.REFER
    assert settings(url).transfer_merge_strategy is expected


@pytest.mark.parametrize("strategy", list(MergeStrategy))
@pytest.mark.parametrize("url", ["wss://acme.livekit.cloud", "wss://livekit.example.com"])
def test_an_explicit_setting_wins(url: str, strategy: MergeStrategy) -> None:
    assert settings(url, transfer_merge_strategy=strategy).transfer_merge_strategy is strategy


def test_the_environment_variable_counts_as_explicit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSFER_MERGE_STRATEGY", "refer")
    chosen = settings("wss://acme.livekit.cloud")
    assert chosen.transfer_merge_strategy is MergeStrategy.REFER
    assert "transfer_merge_strategy" in chosen.model_fields_set


def test_check_refuses_move_against_self_hosted_livekit_naming_refer() -> None:
    with pytest.raises(SettingsError) as caught:
        check_worker(settings("wss://livekit.example.com", transfer_merge_strategy="move"))
    assert "TRANSFER_MERGE_STRATEGY=refer" in str(caught.value)
    assert "LiveKit Cloud" in str(caught.value)


def test_check_accepts_move_on_cloud_and_refer_anywhere() -> None:
    from switchboard.adapters.voice.availability import voice_available

    if not voice_available():
        pytest.skip("the [voice] extra is not installed (check_worker wants it)")
    check_worker(settings("wss://acme.livekit.cloud", transfer_merge_strategy="move"))
    check_worker(settings("wss://livekit.example.com", transfer_merge_strategy="refer"))
    check_worker(settings("wss://livekit.example.com"))  # the default is refer there


def test_agent_check_on_the_command_line_refuses_move_off_cloud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIVEKIT_URL", "wss://livekit.example.com")
    monkeypatch.setenv("LIVEKIT_API_KEY", "devkey")
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)
    monkeypatch.setenv("TRANSFER_MERGE_STRATEGY", "move")
    result = CliRunner().invoke(app, ["agent", "check"])
    assert result.exit_code == 2
    assert "TRANSFER_MERGE_STRATEGY=refer" in result.output
    assert "Traceback" not in result.output
