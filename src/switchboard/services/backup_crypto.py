"""Secrets in a backup: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from a passphrase
with Scrypt, so a stolen backup file gives nothing without the passphrase."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from switchboard.domain.errors import InvalidInput

# Scrypt cost: ~0.1 s and 32 MiB per attempt, the usual interactive setting.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAX_SCRYPT_N = 2**20  # a hostile file must not make us burn gigabytes of memory
MIN_PASSPHRASE = 8


class BackupError(InvalidInput, ValueError):
    """A backup cannot be read or used; the message says why."""


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=n, r=r, p=p)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


def encrypt_secrets(secrets: Mapping[str, str], passphrase: str) -> dict[str, Any]:
    """The `secrets` block of a backup: parameters in the clear, the secrets in one Fernet token."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    salt = os.urandom(16)
    token = Fernet(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        json.dumps(dict(secrets)).encode("utf-8")
    )
    return {
        "cipher": "fernet",
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
        "salt": base64.b64encode(salt).decode("ascii"),
        "token": token.decode("ascii"),
    }


def decrypt_secrets(block: Mapping[str, Any], passphrase: str) -> dict[str, str]:
    """The secrets back; `BackupError` for a wrong passphrase or a damaged block."""
    try:
        kdf = block["kdf"]
        if block.get("cipher") != "fernet" or kdf.get("name") != "scrypt":
            raise BackupError("the backup's secrets use an unknown cipher")
        if not 2 <= int(kdf["n"]) <= MAX_SCRYPT_N:
            raise BackupError("the backup's key-derivation cost is out of range")
        key = _key(passphrase, base64.b64decode(block["salt"]), kdf["n"], kdf["r"], kdf["p"])
        data = json.loads(Fernet(key).decrypt(str(block["token"]).encode("ascii")))
    except InvalidToken:
        raise BackupError("wrong passphrase, or the backup's secrets were altered") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError("the backup's secrets block is damaged") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise BackupError("the backup's secrets block is damaged")
    return {str(k): v for k, v in data.items()}
