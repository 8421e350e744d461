"""All configuration, read once from the environment and `.env`.

Every variable is documented in `.env.example`. `load_settings()` turns validation failures into a
`SettingsError` whose message names each offending variable on one line.
"""

from __future__ import annotations

import os
import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from switchboard.domain.errors import InvalidInput
from switchboard.domain.phone import is_e164
from switchboard.domain.transfer.events import MergeStrategy

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def is_livekit_cloud(url: str | None) -> bool:
    """True when LIVEKIT_URL is a LiveKit Cloud project (`*.livekit.cloud`), the only deployment
    with MoveParticipant (open-source livekit-server answers "not implemented")."""
    host = (urlparse(url).hostname or "").lower() if url else ""
    return host.endswith(".livekit.cloud")


_PLACEHOLDER = re.compile(
    r"^(|changeme|change[-_]me|secret|password|placeholder|xxx+|todo|test|dummy|your[-_].*|<.*>)$",
    re.IGNORECASE,
)


class SettingsError(InvalidInput):
    """Configuration that cannot be used; the message names the variable(s) and is shown as is."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "switchboard"


class Settings(BaseSettings):
    """The effective configuration. Field names are the environment variable names, lower-cased."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        case_sensitive=False,
    )

    # --- general -------------------------------------------------------------------------------
    env: Environment = Field(Environment.DEVELOPMENT, validation_alias="SWITCHBOARD_ENV")
    data_dir: Path = Field(
        default_factory=default_data_dir, validation_alias="SWITCHBOARD_DATA_DIR"
    )
    log_level: str = Field("INFO", validation_alias="SWITCHBOARD_LOG_LEVEL")
    log_format: Literal["console", "json"] = Field(
        "console", validation_alias="SWITCHBOARD_LOG_FORMAT"
    )
    directory_file: Path | None = Field(None, validation_alias="SWITCHBOARD_DIRECTORY_FILE")
    default_region: str = Field("US", validation_alias="SWITCHBOARD_DEFAULT_REGION")

    # --- storage -------------------------------------------------------------------------------
    database_url: str | None = Field(None, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(None, validation_alias="REDIS_URL")

    # --- Twilio (docs/connect-a-real-number.md) ---------------------------------------------------
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_phone_number: str | None = None
    twilio_sms_number: str | None = None
    twilio_sip_trunk_id: str | None = None
    # Optional: send SMS through this Messaging Service (MG + 32 hex), e.g. the one registered
    # for US A2P 10DLC; TWILIO_SMS_NUMBER must then belong to its sender pool.
    twilio_messaging_service_sid: str | None = None
    # Test hook: https://<sub>.twilio.com/<path> is sent to <base>/<sub>/<path> (a local fake).
    twilio_api_base_url: str | None = None

    # --- LiveKit ---------------------------------------------------------------------------------
    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: SecretStr | None = None
    livekit_sip_uri: str | None = None
    livekit_agent_name: str = "switchboard"
    # The outbound trunk used to dial employees; `setup apply` creates one (found by its marker when unset).
    livekit_outbound_trunk_id: str | None = None
    # Worker tuning: stop taking calls above this CPU load (0..1), and processes kept warm.
    agent_load_threshold: float = Field(0.75, gt=0, le=1)
    agent_idle_processes: int = Field(1, ge=0, le=32)
    # The worker's own HTTP health endpoint (GET / answers 200 while it is connected); 0: any port.
    agent_http_port: int = Field(8081, ge=0, le=65535)

    # --- webhooks ----------------------------------------------------------------------------------
    webhook_base_url: str | None = None
    twilio_validate_signatures: bool = True
    # The SharedKey secret for webhooks Twilio signs with a SharedKey (those carrying
    # X-Twilio-Webhooks-Signature-Settings); the others are checked with TWILIO_AUTH_TOKEN.
    twilio_webhook_shared_key: SecretStr | None = None
    trust_forwarded_headers: bool = False
    # Who gets inbound SMS from strangers and voicemails: a department id or an employee id
    # (default: a front-desk/reception department, else the first department).
    front_desk: str | None = None
    # How often the notification worker looks for due notifications when idle (seconds).
    notification_poll_seconds: float = Field(2.0, gt=0, le=300)
    # When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`.
    metrics_token: SecretStr | None = None

    # --- the web console (docs/console.md) ----------------------------------------------------------
    # Signs session cookies; required in production (a per-process random one in development).
    console_session_secret: SecretStr | None = None
    # Secure (HTTPS-only) session cookies; None: on in production, off in development.
    console_cookie_secure: bool | None = None
    console_session_hours: float = Field(12.0, gt=0, le=24 * 30)

    # --- data retention (days; 0 keeps for ever): `switchboard purge`, run daily by `serve` -----------
    # Call records (with their transcripts, numbers and Twilio call statuses) older than this go.
    retention_calls_days: int = Field(365, ge=0, le=36500)
    # The words said on a call (the call record's timeline) are emptied sooner; the outcome stays.
    retention_transcripts_days: int = Field(90, ge=0, le=36500)
    # Caller numbers are removed from call records, delivered messages and voicemail logs.
    retention_caller_numbers_days: int = Field(180, ge=0, le=36500)
    # Links to voicemail recordings are removed from messages.
    retention_recordings_days: int = Field(90, ge=0, le=36500)
    # Messages whose every notification is final, and the inbound SMS log, older than this go.
    retention_messages_days: int = Field(365, ge=0, le=36500)
    # Returning callers remembered by number (name, last call) are forgotten after this long
    # without a call.
    retention_caller_memory_days: int = Field(180, ge=0, le=36500)

    # --- caller memory and screening (docs/call-behaviour.md) -----------------------------------
    # Recognise returning callers by number: greeted by name, not asked for it again.
    caller_memory_enabled: bool = True
    # Comma-separated E.164 numbers and prefixes ("+19005550100,+1900") that hear a polite
    # refusal; the call ends with outcome `blocked`.
    blocked_numbers: str = ""
    # Callers whose caller ID failed Twilio's STIR/SHAKEN verification may only leave a message.
    failed_attestation_message_only: bool = False

    # --- calendars (docs/calendars.md) -----------------------------------------------------------
    # How often employees' calendars are fetched again in the background (seconds).
    calendar_refresh_seconds: float = Field(300.0, ge=30, le=86400)
    # The longest one calendar fetch may take before it counts as failed (seconds).
    calendar_fetch_timeout: float = Field(10.0, gt=0, le=120)

    # --- email (SMTP) ------------------------------------------------------------------------------
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"

    # --- chat notifications (apprise) and follow-ups ----------------------------------------------
    # Chat URLs live in the directory (`chat:` on employees and departments); this bounds one post.
    chat_timeout_seconds: float = Field(30.0, gt=0, le=300)
    # After a connected transfer, tell the employee who was put through, why, and their number.
    transfer_summary: bool = True
    # Transcribe voicemails with the offline STT (the `voice` extra): those left on the fallback
    # path and those a department's after-hours `voicemail` records on the call.
    voicemail_transcription: bool = True
    # A department's after-hours voicemail (docs/call-behaviour.md, "After hours"): the longest
    # recording, and the silence after the caller's last word that ends it (seconds).
    voicemail_max_seconds: float = Field(120.0, ge=5, le=600)
    voicemail_silence_seconds: float = Field(4.0, ge=1, le=30)
    # Where the agent writes its voicemail recordings (WAV); default <SWITCHBOARD_DATA_DIR>/voicemails.
    voicemail_dir: Path | None = None
    # The daily digest email (missed calls, open messages) per employee, sent by `serve` at this
    # hour in the company's timezone; -1 turns it off (`switchboard digest send` still works).
    digest_hour: int = Field(7, ge=-1, le=23)

    # --- the agent's brain and voice -----------------------------------------------------------------
    # "offline" (rules + resolver, no model) or "provider/model", e.g. "openai/gpt-4o-mini".
    switchboard_llm: str = "offline"
    switchboard_stt: str = "offline"
    switchboard_tts: str = "offline"
    llm_base_url: str | None = None  # an OpenAI-compatible server (Ollama, vLLM)
    ai_disclosure: str | None = None

    # --- transfers ---------------------------------------------------------------------------------
    # Unset: move on LiveKit Cloud, refer anywhere else (see `_merge_strategy_default`).
    transfer_merge_strategy: MergeStrategy = MergeStrategy.REFER
    transfer_ring_timeout: float = Field(25.0, gt=0, le=120)
    hold_checkin_seconds: float = Field(30.0, gt=0, le=600)

    @field_validator("twilio_phone_number", "twilio_sms_number")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is not None and not is_e164(value.strip()):
            raise ValueError(f"{value!r} is not a valid E.164 phone number (e.g. +13125550100)")
        return value.strip() if value else value

    @field_validator("blocked_numbers")
    @classmethod
    def _blocked_numbers(cls, value: str) -> str:
        from switchboard.domain.screening import BlockList, BlockListError

        try:
            BlockList.parse(value.split(","))
        except BlockListError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("twilio_account_sid")
    @classmethod
    def _account_sid(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
            raise ValueError("must be 'AC' followed by 32 hex digits (see the Twilio console)")
        return value

    @field_validator("twilio_messaging_service_sid")
    @classmethod
    def _messaging_service_sid(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"MG[0-9a-fA-F]{32}", value):
            raise ValueError("must be 'MG' followed by 32 hex digits (a Messaging Service SID)")
        return value

    @field_validator("twilio_sip_trunk_id")
    @classmethod
    def _trunk_sid(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"TK[0-9a-fA-F]{32}", value):
            raise ValueError("must be 'TK' followed by 32 hex digits (a Twilio trunk SID)")
        return value

    @field_validator("livekit_url")
    @classmethod
    def _livekit_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlparse(value)
        if url.scheme in {"ws", "wss"} and url.hostname:
            return value
        if url.scheme in {"http", "https"} and (url.hostname or "") in LOOPBACK_HOSTS:
            return value  # a local server or fake
        raise ValueError(f"{value!r} must be a ws:// or wss:// URL (http:// only for loopback)")

    @field_validator("livekit_sip_uri")
    @classmethod
    def _sip_uri(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"sips?:[A-Za-z0-9.\-]+(:\d+)?(;[\w=.\-]+)*", value):
            raise ValueError(f"{value!r} must look like sip:abc123.sip.livekit.cloud")
        return value

    @field_validator("webhook_base_url", "twilio_api_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlparse(value)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise ValueError(f"{value!r} must be an http(s):// URL")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (async drivers)"
            )
        return value

    @model_validator(mode="after")
    def _merge_strategy_default(self) -> Settings:
        # An explicit TRANSFER_MERGE_STRATEGY wins; `agent check` refuses move off Cloud.
        if "transfer_merge_strategy" not in self.model_fields_set and is_livekit_cloud(
            self.livekit_url
        ):
            self.transfer_merge_strategy = MergeStrategy.MOVE
            self.model_fields_set.discard("transfer_merge_strategy")  # still a default
        return self

    @model_validator(mode="after")
    def _production_rules(self) -> Settings:
        if self.env is not Environment.PRODUCTION:
            return self
        problems = []
        secrets = (
            "twilio_auth_token",
            "twilio_webhook_shared_key",
            "livekit_api_secret",
            "console_session_secret",
        )
        for name in (*secrets, "smtp_password"):
            secret: SecretStr | None = getattr(self, name)
            if secret is not None and _PLACEHOLDER.match(secret.get_secret_value().strip()):
                problems.append(
                    f"{name.upper()}: a placeholder secret is not allowed in production"
                )
        for name in ("twilio_account_sid", "livekit_api_key"):
            value = getattr(self, name)
            if value is not None and _PLACEHOLDER.match(value.strip()):
                problems.append(f"{name.upper()}: a placeholder value is not allowed in production")
        if self.webhook_base_url and not self.webhook_base_url.startswith("https://"):
            problems.append("WEBHOOK_BASE_URL: must be https:// in production")
        if not self.twilio_validate_signatures:
            problems.append("TWILIO_VALIDATE_SIGNATURES: cannot be off in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- derived ----------------------------------------------------------------------------------
    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'switchboard.db'}"

    @property
    def effective_voicemail_dir(self) -> Path:
        return self.voicemail_dir or self.data_dir / "voicemails"

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    def redacted(self) -> dict[str, Any]:
        """Every setting by its environment name, secrets shown as '********' when set."""
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            env_name = _env_name(name, info.validation_alias)
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "********"
            elif name == "database_url" and value:
                value = _redact_url_password(value)
            elif isinstance(value, StrEnum):
                value = value.value
            elif isinstance(value, Path):
                value = str(value)
            out[env_name] = value
        out["DATABASE_URL (effective)"] = _redact_url_password(self.effective_database_url)
        return out


def _env_name(field_name: str, alias: object) -> str:
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    return field_name.upper()


def _redact_url_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1********@", url)


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning any validation error into one line per variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            name = _env_name(loc[0], type_field_alias(loc[0])) if loc else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}" if loc else message)
        raise SettingsError("invalid configuration: " + "; ".join(lines)) from None


def type_field_alias(name: str) -> object:
    info = Settings.model_fields.get(name)
    if info is None:
        return name.upper()
    return info.validation_alias
