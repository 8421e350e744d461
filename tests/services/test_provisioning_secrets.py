"""The SIP password: Twilio's rules, the 0600 store, and the error wording for providers."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from livekit.api.twirp_client import ServerError
from twilio.base.exceptions import TwilioRestException

from switchboard.adapters.provisioning import SecretStore, explain_provider_error, generate_password


def test_generated_passwords_follow_twilio_rules_and_differ() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) >= 12
        assert any(c.isdigit() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isupper() for c in password)
    with pytest.raises(ValueError, match="at least 12"):
        generate_password(8)


def test_store_is_owner_only_and_round_trips(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    assert store.get("switchboard-livekit") is None
    path = store.put("switchboard-livekit", "Abcdefgh1234")
    assert store.get("switchboard-livekit") == "Abcdefgh1234"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    store.put("switchboard-livekit", "Zyxwvuts9876")
    assert store.get("switchboard-livekit") == "Zyxwvuts9876"


@pytest.mark.parametrize("username", ["../escape", "a/b", "", "x" * 65])
def test_store_refuses_names_that_are_not_plain_file_names(tmp_path: Path, username: str) -> None:
    with pytest.raises(ValueError, match="cannot name a secret file"):
        SecretStore(tmp_path).put(username, "Abcdefgh1234")


def test_errors_are_explained_per_provider() -> None:
    auth = TwilioRestException(401, "https://api.twilio.com/x", "Authenticate", 20003)
    assert explain_provider_error(auth) == (
        "Twilio answered HTTP 401 (error 20003): Authenticate. Twilio rejected the credentials: "
        "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
    )
    denied = ServerError("permission_denied", "no sip grant", status=403)
    assert "lacks SIP admin rights" in explain_provider_error(denied)
    assert "check the network" in explain_provider_error(ConnectionError("refused"))
    assert explain_provider_error(KeyError("x")).startswith("unexpected failure: KeyError")
