"""Back up, restore and compare the set-up: one versioned YAML document (docs/connect-a-real-number.md, "Back up, restore, compare").

The document holds the live Twilio + LiveKit SIP set-up that switchboard manages (in desired form,
so it restores onto a fresh account), a snapshot of everything live (for people), the directory,
and the SIP password: redacted, or encrypted under a passphrase. Restore goes through plan/apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml

from switchboard.adapters.provisioning import Providers
from switchboard.domain.provisioning import Desired, Kind, Live, Plan, Value
from switchboard.domain.provisioning.plan import live_setup, plan
from switchboard.services.backup_crypto import BackupError, decrypt_secrets, encrypt_secrets
from switchboard.services.provisioning import ApplyReport, apply_plan
from switchboard.services.provisioning.apply import Progress

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Backup:
    """A backup read back. `secrets` is only set when it was decrypted with the passphrase."""

    exported_at: str
    setup: tuple[Desired, ...]
    directory_yaml: str | None = None
    secrets: Mapping[str, str] | None = None
    encrypted: bool = False


def _desired_doc(d: Desired) -> dict[str, Any]:
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in d.fields.items()}
    return {"kind": d.kind.value, "name": d.name, "fields": fields}


def _live_doc(item: Live) -> dict[str, Any]:
    return {**_desired_doc(Desired(item.kind, item.name, item.fields)), "id": item.id}


async def export_backup(
    providers: Providers,
    desired: Sequence[Desired],
    *,
    exported_at: datetime,
    directory_yaml: str | None = None,
    passphrase: str | None = None,
) -> str:
    """The backup document as YAML text. Secrets are included only with a passphrase."""
    live = await providers.observe(desired)
    setup = live_setup(plan(desired, live))
    usernames = [d.name for d in setup if d.kind is Kind.CREDENTIAL]
    held = {u: p for u in usernames if (p := providers.store.get(u)) is not None}
    secrets: dict[str, Any] = {"redacted": True, "usernames": usernames}
    if passphrase is not None:
        secrets = encrypt_secrets(held, passphrase)
    document = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat(),
        "setup": [_desired_doc(d) for d in setup],
        "live": [_live_doc(item) for item in live if item.id],
        "directory": yaml.safe_load(directory_yaml) if directory_yaml else None,
        "secrets": secrets,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _value(raw: object) -> Value:
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return tuple(raw)
    if raw is None or isinstance(raw, str | int | bool):
        return raw
    raise BackupError(f"unexpected field value {raw!r}")


def _desired(raw: object) -> Desired:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise BackupError("every `setup` entry needs a kind, a name and fields")
    try:
        kind = Kind(str(raw.get("kind")))
    except ValueError:
        raise BackupError(f"unknown resource kind {raw.get('kind')!r}") from None
    fields = raw.get("fields") or {}
    if not isinstance(fields, dict):
        raise BackupError(f"{kind.value} {raw['name']}: fields must be a mapping")
    return Desired(kind, raw["name"], {str(k): _value(v) for k, v in fields.items()})


def read_backup(text: str, passphrase: str | None = None) -> Backup:
    """Parse and check a backup; decrypt its secrets when a passphrase is given."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BackupError(f"not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise BackupError("not a switchboard backup (no schema_version)")
    if doc["schema_version"] != SCHEMA_VERSION:
        raise BackupError(
            f"schema_version {doc['schema_version']!r} is not supported (this version reads "
            f"{SCHEMA_VERSION}); use a matching switchboard release"
        )
    setup_raw = doc.get("setup")
    if not isinstance(setup_raw, list):
        raise BackupError("`setup` must be a list")
    block = doc.get("secrets") or {}
    encrypted = isinstance(block, dict) and "token" in block
    secrets = decrypt_secrets(block, passphrase) if encrypted and passphrase is not None else None
    directory = doc.get("directory")
    return Backup(
        exported_at=str(doc.get("exported_at", "")),
        setup=tuple(_desired(item) for item in setup_raw),
        directory_yaml=yaml.safe_dump(directory, sort_keys=False) if directory else None,
        secrets=secrets,
        encrypted=encrypted,
    )


async def diff_backup(providers: Providers, backup: Backup) -> Plan:
    """What differs between the backup and what is live (an in-sync plan means no drift)."""
    return await providers.plan(backup.setup)


async def restore_backup(
    providers: Providers,
    backup: Backup,
    *,
    dry_run: bool = False,
    adopt: bool = False,
    progress: Progress | None = None,
) -> tuple[Plan, ApplyReport | None]:
    """Plan the backup's set-up against what is live and, unless `dry_run`, apply it.

    Decrypted passwords go to the secret store first, so Twilio and LiveKit get them back.
    """
    restored = dict(backup.secrets or {})
    reset = {u for u, p in restored.items() if providers.store.get(u) != p}
    if not dry_run:
        for username, password in restored.items():
            providers.store.put(username, password)
    result = await providers.plan(backup.setup, adopt=adopt, reset_passwords=reset)
    if dry_run or result.in_sync:
        return result, None
    report = await apply_plan(result, providers, progress=progress)
    return result, report
