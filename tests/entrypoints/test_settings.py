"""Settings: every bad value fails with one line naming the variable; secrets never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.settings import Environment, MergeStrategy, SettingsError, load_settings

GOOD_SID = "AC" + "0123456789abcdef" * 2
GOOD_TRUNK = "TK" + "0123456789abcdef" * 2


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Isolate from the developer's environment and any .env in the working directory."""
    import os

    for name in list(os.environ):
        if name.startswith(
            ("TWILIO_", "LIVEKIT_", "SMTP_", "SWITCHBOARD_", "WEBHOOK_")
        ) or name in {
            "DATABASE_URL",
            "REDIS_URL",
        }:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_give_an_offline_sqlite_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.env is Environment.DEVELOPMENT
    assert (
        settings.effective_database_url
        == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'switchboard.db'}"
    )
    assert settings.switchboard_llm == "offline"
    assert settings.transfer_merge_strategy is MergeStrategy.REFER  # no LiveKit Cloud URL


def test_reads_the_seed_guide_variables_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TWILIO_ACCOUNT_SID={GOOD_SID}\nTWILIO_AUTH_TOKEN=tok-123\nTWILIO_PHONE_NUMBER=+13125550100\n"
        f"TWILIO_SMS_NUMBER=+13125550101\nTWILIO_SIP_TRUNK_ID={GOOD_TRUNK}\n"
        "LIVEKIT_URL=wss://acme.livekit.cloud\nLIVEKIT_API_KEY=APIkey\nLIVEKIT_API_SECRET=s3cr3t\n"
        "WEBHOOK_BASE_URL=https://hooks.example.com/\n"
    )
    settings = load_settings()
    assert settings.twilio_account_sid == GOOD_SID
    assert settings.twilio_phone_number == "+13125550100"
    assert settings.livekit_url == "wss://acme.livekit.cloud"
    assert settings.webhook_base_url == "https://hooks.example.com"  # trailing slash trimmed
    assert settings.twilio_auth_token is not None
    assert settings.twilio_auth_token.get_secret_value() == "tok-123"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "TWILIO_PHONE_NUMBER",
            "312-555-0100",
            "TWILIO_PHONE_NUMBER: '312-555-0100' is not a valid E.164",
        ),
        ("TWILIO_SMS_NUMBER", "+1555", "TWILIO_SMS_NUMBER: '+1555' is not a valid E.164"),
        ("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_ACCOUNT_SID: must be 'AC' followed by 32 hex"),
        ("TWILIO_SIP_TRUNK_ID", "trunk", "TWILIO_SIP_TRUNK_ID: must be 'TK'"),
        (
            "LIVEKIT_URL",
            "https://acme.livekit.cloud",
            "LIVEKIT_URL: 'https://acme.livekit.cloud' must be a ws://",
        ),
        ("LIVEKIT_URL", "acme.livekit.cloud", "LIVEKIT_URL:"),
        (
            "LIVEKIT_SIP_URI",
            "abc.sip.livekit.cloud",
            "LIVEKIT_SIP_URI: 'abc.sip.livekit.cloud' must look like sip:",
        ),
        (
            "DATABASE_URL",
            "postgresql://u@h/db",
            "DATABASE_URL: must start with sqlite+aiosqlite://",
        ),
        ("WEBHOOK_BASE_URL", "ftp://x", "WEBHOOK_BASE_URL: 'ftp://x' must be an http(s):// URL"),
        ("TRANSFER_MERGE_STRATEGY", "teleport", "TRANSFER_MERGE_STRATEGY:"),
        ("SMTP_PORT", "70000", "SMTP_PORT:"),
        ("SWITCHBOARD_ENV", "staging", "SWITCHBOARD_ENV:"),
    ],
)
def test_bad_values_fail_with_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_loopback_http_livekit_url_is_allowed_for_local_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIVEKIT_URL", "http://127.0.0.1:7880")
    assert load_settings().livekit_url == "http://127.0.0.1:7880"


@pytest.mark.parametrize("token", ["your_twilio_auth_token", "changeme", "<token>", ""])
def test_production_refuses_placeholder_secrets(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("SWITCHBOARD_ENV", "production")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", token)
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN: a placeholder secret"):
        load_settings()


def test_production_refuses_plain_http_webhooks_and_disabled_signatures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SWITCHBOARD_ENV", "production")
    monkeypatch.setenv("WEBHOOK_BASE_URL", "http://hooks.example.com")
    monkeypatch.setenv("TWILIO_VALIDATE_SIGNATURES", "false")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "WEBHOOK_BASE_URL: must be https://" in str(err.value)
    assert "TWILIO_VALIDATE_SIGNATURES: cannot be off" in str(err.value)


def test_development_accepts_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "changeme")
    assert load_settings().twilio_auth_token is not None


def test_redacted_hides_every_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok-very-secret")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "lk-very-secret")
    monkeypatch.setenv("SMTP_PASSWORD", "smtp-very-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app:db-very-secret@db:5432/sb")
    shown = repr(load_settings().redacted())
    assert "very-secret" not in shown
    assert "TWILIO_AUTH_TOKEN" in shown
    assert "postgresql+asyncpg://app:********@db:5432/sb" in shown


def test_messaging_service_sid_and_webhook_shared_key(monkeypatch: pytest.MonkeyPatch) -> None:
    service = "MG" + "0123456789abcdef" * 2
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", service)
    monkeypatch.setenv("TWILIO_WEBHOOK_SHARED_KEY", "shared-secret")
    settings = load_settings()
    assert settings.twilio_messaging_service_sid == service
    assert settings.redacted()["TWILIO_WEBHOOK_SHARED_KEY"] == "********"
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "PN" + "0" * 32)
    with pytest.raises(SettingsError, match="TWILIO_MESSAGING_SERVICE_SID"):
        load_settings()


def test_env_example_lists_every_setting() -> None:
    import re

    from switchboard.settings import Settings, _env_name

    text = (Path(__file__).parents[2] / ".env.example").read_text("utf-8")
    missing = [
        _env_name(name, info.validation_alias)
        for name, info in Settings.model_fields.items()
        if not re.search(rf"^#?\s*{_env_name(name, info.validation_alias)}=", text, re.M)
    ]
    assert missing == [], f".env.example lacks {missing}"
