"""`config export | restore | diff` services against both fakes; secrets encryption."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from tests.services.provisioning_world import World, apply_for, pending, plan_for, running_world

from switchboard.adapters.provisioning import open_providers
from switchboard.domain.provisioning import Action, Kind
from switchboard.domain.provisioning.desired import SetupOptions
from switchboard.services.backup import (
    SCHEMA_VERSION,
    diff_backup,
    export_backup,
    read_backup,
    restore_backup,
)
from switchboard.services.backup_crypto import BackupError, decrypt_secrets, encrypt_secrets
from switchboard.services.provisioning import desired_from_settings
from switchboard.settings import Settings

WHEN = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
DIRECTORY = "company:\n  name: Acme\nemployees: []\n"
PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World) -> World:
    module_world.reset()
    return module_world


async def export(settings: Settings, passphrase: str | None = None) -> str:
    desired = desired_from_settings(settings, SetupOptions())
    async with open_providers(settings) as providers:
        return await export_backup(
            providers, desired, exported_at=WHEN, directory_yaml=DIRECTORY, passphrase=passphrase
        )


async def test_export_is_versioned_complete_and_redacted(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path, webhook_base_url="https://rx.example")  # every kind
    password = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    text = await export(settings)
    doc = yaml.safe_load(text)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["exported_at"] == "2026-11-23T22:00:00+00:00"
    assert {e["kind"] for e in doc["setup"]} == {k.value for k in Kind}
    assert doc["directory"] == {"company": {"name": "Acme"}, "employees": []}
    assert doc["secrets"] == {"redacted": True, "usernames": ["switchboard-livekit"]}
    assert password not in text
    # ids are portable references, not this account's SIDs
    rule = next(e for e in doc["setup"] if e["kind"] == "livekit.dispatch_rule")
    assert rule["fields"]["trunk_ids"] == ["@livekit.inbound_trunk"]
    assert {e["kind"] for e in doc["live"]} >= {"twilio.trunk", "livekit.inbound_trunk"}


async def test_export_restore_diff_round_trip(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path / "a")
    await apply_for(settings)
    text = await export(settings)

    world.reset()  # both accounts empty again; a new machine (no stored password)
    fresh = world.settings(tmp_path / "b")
    backup = read_backup(text)
    async with open_providers(fresh) as providers:
        drift = await diff_backup(providers, backup)
        assert {s.action for s in drift.steps} == {Action.CREATE}
        _, report = await restore_backup(providers, backup, dry_run=True)
        assert report is None
        assert not world.twilio.state.trunks  # dry run changed nothing
        _, report = await restore_backup(providers, backup)
        assert report is not None
        assert report.ok, report.error
        after = await diff_backup(providers, backup)
    assert after.in_sync, pending(after)
    assert (await plan_for(fresh)).in_sync
    assert backup.directory_yaml is not None
    assert yaml.safe_load(backup.directory_yaml) == yaml.safe_load(DIRECTORY)


async def test_diff_shows_drift_since_the_backup(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    backup = read_backup(await export(settings))
    (trunk,) = world.twilio.state.trunks.values()
    trunk["secure"] = True
    async with open_providers(settings) as providers:
        drift = await diff_backup(providers, backup)
    assert pending(drift) == [("twilio.trunk", "switchboard-trunk", "drifted")]
    (step,) = [s for s in drift.steps if s.pending]
    assert [(d.field, d.live, d.desired) for d in step.differences] == [("secure", True, False)]


async def test_secrets_round_trip_only_with_the_passphrase(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path / "a")
    password = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    text = await export(settings, PASSPHRASE)
    assert password not in text
    assert read_backup(text).secrets is None  # no passphrase: readable, secrets stay sealed
    with pytest.raises(BackupError, match="wrong passphrase"):
        read_backup(text, "not the passphrase")
    backup = read_backup(text, PASSPHRASE)
    assert backup.secrets == {"switchboard-livekit": password}

    world.reset()
    fresh = world.settings(tmp_path / "b")
    async with open_providers(fresh) as providers:
        _, report = await restore_backup(providers, backup)
    assert report is not None
    assert report.ok, report.error
    assert report.new_secrets == {}  # the backed-up password was reused, none generated
    assert list(world.twilio.state.passwords.values()) == [password]
    (outbound,) = world.livekit.state.outbound_trunks.values()
    assert outbound.auth_password == password


async def test_restoring_secrets_over_a_different_password_resets_twilio(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path)
    old = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    backup = read_backup(await export(settings, PASSPHRASE), PASSPHRASE)
    (tmp_path / "secrets" / "sip-credential-switchboard-livekit").unlink()
    new = (await apply_for(settings)).new_secrets["switchboard-livekit"]
    assert new != old
    async with open_providers(settings) as providers:
        _, report = await restore_backup(providers, backup)
    assert report is not None
    assert report.ok, report.error
    assert list(world.twilio.state.passwords.values()) == [old]
    (outbound,) = world.livekit.state.outbound_trunks.values()
    assert outbound.auth_password == old


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("schema_version: 2\nsetup: []\n", "schema_version 2 is not supported"),
        ("just text", "not a switchboard backup"),
        ("schema_version: 1\nsetup: {}\n", "`setup` must be a list"),
        ("schema_version: 1\nsetup: [{kind: x.y, name: a}]\n", "unknown resource kind"),
        ("schema_version: 1\nsetup: [{kind: twilio.trunk}]\n", "needs a kind, a name"),
        (
            "schema_version: 1\nsetup: [{kind: twilio.trunk, name: a, fields: {x: {y: 1}}}]\n",
            "unexpected field value",
        ),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_bad_backups_are_refused(text: str, complaint: str) -> None:
    with pytest.raises(BackupError, match=complaint):
        read_backup(text)


def test_encrypted_block_resists_tampering_and_weak_passphrases() -> None:
    block = encrypt_secrets({"u": "Secret123secret"}, PASSPHRASE)
    assert decrypt_secrets(block, PASSPHRASE) == {"u": "Secret123secret"}
    token = block["token"]
    tampered = {**block, "token": token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]}
    with pytest.raises(BackupError):
        decrypt_secrets(tampered, PASSPHRASE)
    with pytest.raises(BackupError, match="key-derivation cost"):
        decrypt_secrets({**block, "kdf": {**block["kdf"], "n": 2**30}}, PASSPHRASE)
    with pytest.raises(BackupError, match="damaged"):
        decrypt_secrets({"cipher": "fernet"}, PASSPHRASE)
    with pytest.raises(BackupError, match="at least 8"):
        encrypt_secrets({"u": "x"}, "short")
