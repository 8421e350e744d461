"""The SIP credential password: generated here, shown once, kept in a 0600 file, never logged."""

from __future__ import annotations

import os
import re
import secrets
import string
from pathlib import Path

from switchboard.domain.errors import InvalidValue

# Twilio's rule: 12+ characters, at least one digit, mixed case. Longer is free.
PASSWORD_LENGTH = 24
_ALPHABET = string.ascii_letters + string.digits
_USERNAME = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password Twilio accepts for SIP credentials."""
    if length < 12:
        raise InvalidValue("Twilio needs SIP passwords of at least 12 characters")
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
        ):
            return candidate


class SecretStore:
    """One file per SIP username under `<data dir>/secrets/`, readable by the owner only."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "secrets"

    def _path(self, username: str) -> Path:
        if not _USERNAME.match(username):
            raise InvalidValue(f"{username!r} cannot name a secret file")
        return self.root / f"sip-credential-{username}"

    def get(self, username: str) -> str | None:
        """The stored password, or None when this machine never set one."""
        path = self._path(username)
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def put(self, username: str, password: str) -> Path:
        """Write atomically with 0600 permissions from the first byte (never world-readable)."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(username)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(password)
        os.chmod(tmp, 0o600)  # O_CREAT's mode is filtered by umask; make it exact
        os.replace(tmp, path)
        return path
