"""Session settings: the secret is required in production and must be long; cookies are Secure in
production unless said otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.entrypoints.web.console.sessions import SessionCodec
from switchboard.settings import Settings, SettingsError

pytestmark = pytest.mark.entrypoint
PRODUCTION = {"env": "production", "webhook_base_url": "https://sb.example.com"}


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_production_requires_a_secret_and_development_makes_one() -> None:
    with pytest.raises(SettingsError, match="CONSOLE_SESSION_SECRET: required in production"):
        SessionCodec.from_settings(settings(**PRODUCTION))
    dev = SessionCodec.from_settings(settings())
    assert dev.secure is False
    assert dev.lifetime == 12 * 3600


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(SettingsError, match="at least 32 characters"):
        SessionCodec.from_settings(settings(console_session_secret="k" * 31))


def test_placeholder_secret_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="CONSOLE_SESSION_SECRET: a placeholder secret"):
        settings(**PRODUCTION, console_session_secret="changeme")


def test_cookie_security_follows_the_environment_unless_set() -> None:
    secret = {"console_session_secret": "k" * 40}
    assert SessionCodec.from_settings(settings(**PRODUCTION, **secret)).secure is True
    assert SessionCodec.from_settings(settings(console_cookie_secure=True, **secret)).secure is True
    off = settings(**PRODUCTION, console_cookie_secure=False, **secret)
    assert SessionCodec.from_settings(off).secure is False
    hours = settings(console_session_hours=0.5, **secret)
    assert SessionCodec.from_settings(hours).lifetime == 1800
