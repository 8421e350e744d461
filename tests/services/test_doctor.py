"""`switchboard doctor` against the Twilio and LiveKit fakes (real clients), SMTP, a webhook server.

Every test starts from the set-up `setup apply` builds, breaks one thing the way people do, and
expects doctor to name it and its fix while the other checks stay green.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from livekit.protocol.sip import SIPMediaEncryption
from tests.services.doctor_support import (
    SMTP_PASSWORD,
    SMTP_USER,
    Snapshot,
    WebhookServer,
    running_smtp,
    running_webhook_server,
)
from tests.services.provisioning_world import NUMBER, World, apply_for, running_world
from tests.support.webhook_world import BASE as WEB_BASE
from tests.support.webhook_world import TOKEN as WEB_TOKEN
from tests.support.webhook_world import World as WebWorld
from tests.support.webhook_world import build as build_web_app

from switchboard.adapters.sqlalchemy import upgrade_database
from switchboard.adapters.twilio.webhook_probe import send_webhook
from switchboard.domain.diagnosis import Check, Status, exit_code
from switchboard.domain.provisioning.desired import SetupOptions
from switchboard.services.doctor import CHECKS, run_doctor
from switchboard.settings import Environment, Settings

pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Servers, a migrated database and the set-up `setup apply` builds, snapshotted once."""
    root = tmp_path_factory.mktemp("doctor")
    url = f"sqlite+aiosqlite:///{root / 'doctor.db'}"
    asyncio.run(upgrade_database(url))
    with (
        running_world() as world,
        running_smtp() as smtp_port,
        running_webhook_server(world.twilio.auth_token) as hook,
    ):
        env = {"world": world, "smtp_port": smtp_port, "hook": hook, "db": url, "data": root}
        world.reset()
        report = asyncio.run(apply_for(settings_for(env)))
        assert report.ok, report.error
        env["snapshot"] = Snapshot.take(world, root)
        yield env


@pytest.fixture
def world(env: dict[str, Any]) -> World:
    world: World = env["world"]
    env["snapshot"].restore(world)
    hook: WebhookServer = env["hook"]
    hook.token, hook.validate = world.twilio.auth_token, True
    return world


def settings_for(env: dict[str, Any], **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_base_url": env["hook"].base_url,
        "database_url": env["db"],
        "smtp_host": "127.0.0.1",
        "smtp_port": env["smtp_port"],
        "smtp_username": SMTP_USER,
        "smtp_password": SMTP_PASSWORD,
        "smtp_security": "none",
    }
    world: World = env["world"]
    return world.settings(env["data"], **{**values, **overrides})


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def failed(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks if c.status is Status.FAIL}


async def test_a_correct_setup_is_all_ok(world: World, env: dict[str, Any]) -> None:
    checks = await run_doctor(settings_for(env))
    assert {c.name: c.status for c in checks if c.status is not Status.OK} == {}
    assert len(checks) == len(CHECKS)
    assert exit_code(checks) == 0
    assert env["hook"].hits >= 2  # signed and unsigned self-test requests really went out


async def test_a_wrong_twilio_token_fails_credentials_and_skips_twilio_checks(
    world: World, env: dict[str, Any]
) -> None:
    checks = await run_doctor(settings_for(env, twilio_auth_token="wrong-token-x1"))
    bad = failed(checks)
    assert "twilio.credentials" in bad
    assert "20003" in bad["twilio.credentials"].summary
    assert "TWILIO_AUTH_TOKEN" in bad["twilio.credentials"].fix
    # The Twilio side is unknown: that must not pass for healthy, and says why.
    assert bad["twilio.number"].summary.startswith("not checked: could not read Twilio")
    assert "20003" in bad["twilio.number"].summary
    assert by_name(checks)["livekit.inbound_trunk"].status is Status.OK  # others still run
    assert exit_code(checks) == 1


async def test_a_provider_read_failing_alone_still_fails_the_checks_it_blocks(
    world: World, env: dict[str, Any]
) -> None:
    world.twilio.state.fail_next("/Trunks", status=500, code=20500, times=5)
    checks = await run_doctor(settings_for(env))
    bad = failed(checks)
    assert by_name(checks)["twilio.credentials"].status is Status.OK
    assert "twilio.origination" in bad
    assert "not checked: could not read Twilio" in bad["twilio.origination"].summary
    assert exit_code(checks) == 1


async def test_a_wrong_livekit_secret_fails_livekit_credentials(
    world: World, env: dict[str, Any]
) -> None:
    wrong = "another-secret-another-secret-another"
    checks = await run_doctor(settings_for(env, livekit_api_secret=wrong))
    bad = failed(checks)
    assert "LIVEKIT_API_KEY" in bad["livekit.credentials"].summary
    assert by_name(checks)["twilio.number"].status is Status.OK


async def test_number_not_on_the_account(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    world.twilio.state.numbers.clear()
    check = failed(await run_doctor(settings))["twilio.number"]
    assert "not a phone number on this Twilio account" in check.summary
    assert "buy or port" in check.fix


async def test_number_not_on_the_trunk(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    world.twilio.state.number_by_phone(NUMBER)["trunk_sid"] = None  # type: ignore[index]
    check = failed(await run_doctor(settings))["twilio.number"]
    assert "is on no trunk" in check.summary
    assert "associate the number" in check.fix


def _origination(world: World) -> dict[str, Any]:
    (urls,) = world.twilio.state.origination_urls.values()
    (url,) = urls.values()
    return url


async def test_origination_to_another_host(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    _origination(world)["sip_url"] = "sip:zzz999.sip.livekit.cloud;transport=tcp"
    check = failed(await run_doctor(settings))["twilio.origination"]
    assert "zzz999" in check.summary
    assert "32011" in check.summary
    assert "LIVEKIT_SIP_URI" in check.fix


async def test_origination_with_the_wrong_transport(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    _origination(world)["sip_url"] = "sip:abc123.sip.livekit.cloud;transport=udp"
    check = failed(await run_doctor(settings))["twilio.origination"]
    assert "wrong transport" in check.summary
    assert "sip:abc123.sip.livekit.cloud;transport=tcp" in check.fix


async def test_no_origination_url(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    for urls in world.twilio.state.origination_urls.values():
        urls.clear()
    assert "32010" in failed(await run_doctor(settings))["twilio.origination"].summary


async def test_no_inbound_trunk_for_the_number(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    (trunk,) = world.livekit.state.inbound_trunks.values()
    trunk.numbers[:] = ["+15125550199"]
    checks = await run_doctor(settings)
    check = failed(checks)["livekit.inbound_trunk"]
    assert NUMBER in check.summary
    assert "SIP 404" in check.summary
    assert "inbound trunk" in check.fix
    assert by_name(checks)["livekit.dispatch_rule"].status is Status.WARN  # depends on it


async def test_dispatch_rule_missing(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    world.livekit.state.dispatch_rules.clear()
    check = failed(await run_doctor(settings))["livekit.dispatch_rule"]
    assert "no dispatch rule" in check.summary
    assert "'switchboard'" in check.fix


async def test_dispatch_rule_naming_another_agent(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    (rule,) = world.livekit.state.dispatch_rules.values()
    rule.room_config.agents[0].agent_name = "someone-else"
    check = failed(await run_doctor(settings))["livekit.dispatch_rule"]
    assert "someone-else" in check.summary
    assert "room_config.agents" in check.fix


async def test_outbound_trunk_address_wrong(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    (trunk,) = world.livekit.state.outbound_trunks.values()
    trunk.address = "elsewhere.pstn.twilio.com"
    check = failed(await run_doctor(settings))["livekit.outbound_trunk"]
    assert "elsewhere.pstn.twilio.com" in check.summary
    assert "address" in check.fix


async def test_credential_username_not_attached_to_the_trunk(
    world: World, env: dict[str, Any]
) -> None:
    settings = settings_for(env)
    for attached in world.twilio.state.trunk_credential_lists.values():
        attached.clear()
    check = failed(await run_doctor(settings))["livekit.outbound_trunk"]
    assert "switchboard-livekit is not on a credential list attached" in check.summary
    assert "SIP 403" in check.summary
    assert "credential list" in check.fix


async def test_password_differs_from_the_stored_secret(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    (env["data"] / "secrets" / "sip-credential-switchboard-livekit").write_text("Other0password1")
    check = failed(await run_doctor(settings))["livekit.outbound_trunk"]
    assert "password differs" in check.summary


async def test_no_stored_password_is_a_warning(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    (env["data"] / "secrets" / "sip-credential-switchboard-livekit").unlink()
    checks = await run_doctor(settings)
    assert by_name(checks)["livekit.outbound_trunk"].status is Status.WARN
    assert exit_code(checks) == 0


async def test_transfer_mode_wrong_for_refer(world: World, env: dict[str, Any]) -> None:
    # the snapshot was built for the move strategy: transfer_mode disable-all
    settings = settings_for(env, transfer_merge_strategy="refer")
    check = failed(await run_doctor(settings))["twilio.transfer_mode"]
    assert "603" in check.summary
    assert "enable-all" in check.fix


async def test_database_not_migrated(world: World, env: dict[str, Any], tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()  # a database nobody ran `db upgrade` on
    checks = await run_doctor(settings_for(env, database_url=f"sqlite+aiosqlite:///{empty}"))
    check = failed(checks)["database"]
    assert "not at the latest migration" in check.summary
    assert check.fix == "run `switchboard db upgrade`"


async def test_a_missing_database_file_is_reported_not_created(
    world: World, env: dict[str, Any], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "switchboard.db"
    checks = await run_doctor(settings_for(env, database_url=f"sqlite+aiosqlite:///{missing}"))
    assert "does not exist" in failed(checks)["database"].summary
    assert not missing.parent.exists()


async def test_smtp_login_refused(world: World, env: dict[str, Any]) -> None:
    checks = await run_doctor(settings_for(env, smtp_password="Wrong-pass-1"))
    check = failed(checks)["smtp"]
    assert "login refused (535)" in check.summary
    assert "SMTP_PASSWORD" in check.fix


async def test_smtp_unreachable(world: World, env: dict[str, Any]) -> None:
    checks = await run_doctor(settings_for(env, smtp_port=1))
    assert "cannot connect" in failed(checks)["smtp"].summary


async def test_webhook_signature_self_test_failing(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    env["hook"].token = "the-server-has-another-token"
    check = failed(await run_doctor(settings))["webhook"]
    assert "correctly signed request was refused (403)" in check.summary
    assert "TWILIO_AUTH_TOKEN" in check.fix


async def test_webhook_accepting_unsigned_requests(world: World, env: dict[str, Any]) -> None:
    settings = settings_for(env)
    env["hook"].validate = False
    check = failed(await run_doctor(settings))["webhook"]
    assert "unsigned request got 204" in check.summary
    assert "TWILIO_VALIDATE_SIGNATURES" in check.fix


async def test_webhook_unreachable(world: World, env: dict[str, Any]) -> None:
    checks = await run_doctor(settings_for(env, webhook_base_url="http://127.0.0.1:1"))
    assert "unreachable" in failed(checks)["webhook"].summary


async def test_incomplete_settings_fail_once_and_skip_the_rest(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    checks = await run_doctor(settings, only=("settings", "twilio.number", "twilio.credentials"))
    found = by_name(checks)
    assert found["settings"].status is Status.FAIL
    assert "TWILIO_ACCOUNT_SID" in found["settings"].summary
    assert found["twilio.number"].status is Status.WARN
    assert found["twilio.credentials"].status is Status.FAIL


async def test_a_hanging_provider_times_out_one_check_only(
    world: World, env: dict[str, Any]
) -> None:
    settings = settings_for(env)
    # Generous limits: the other checks must finish within the limit even on a loaded machine.
    world.twilio.state.delay_next(f"/Accounts/{world.twilio.account_sid}.json", 5.0)
    only = ("twilio.credentials", "livekit.credentials", "settings")
    checks = await run_doctor(settings, check_timeout=3.0, only=only)
    assert {c.name for c in checks} == set(only)
    bad = failed(checks)
    assert list(bad) == ["twilio.credentials"]
    # Two bounds race here, both 3 s: the check's own and the Twilio client's read timeout
    # (the client is given the check's timeout, so its thread does not outlive the check).
    # Either way the one check fails as a timeout, and says so.
    summary = bad["twilio.credentials"].summary
    assert "no answer within 3 s" in summary or "(ReadTimeout)" in summary, summary


async def test_unknown_check_names_are_refused(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    with pytest.raises(ValueError, match="no-such-check"):
        await run_doctor(settings, only=("no-such-check",))


@pytest.mark.parametrize(
    ("token", "signed", "expected"),
    [(WEB_TOKEN, True, 204), (WEB_TOKEN, False, 403), ("g" * 32, True, 403)],
)
async def test_the_self_test_against_the_real_web_app(
    token: str, signed: bool, expected: int
) -> None:
    web = WebWorld()
    app = build_web_app(web)  # validates with WEB_TOKEN against WEB_BASE
    settings = Settings(_env_file=None, webhook_base_url=WEB_BASE, twilio_auth_token=token)
    result = await send_webhook(
        settings, "/twilio/status", signed=signed, transport=httpx.ASGITransport(app=app)
    )
    assert result.status == expected
    assert result.url == WEB_BASE + "/twilio/status"
    assert result.latency_ms >= 0
    assert web.call_statuses == []  # the self-test has no side effects
    assert web.inbound == []


async def test_send_webhook_needs_a_base_url_and_a_token() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_BASE_URL"):
        await send_webhook(Settings(_env_file=None), "/twilio/status")
    no_token = Settings(_env_file=None, webhook_base_url=WEB_BASE)
    with pytest.raises(ValueError, match="TWILIO_AUTH_TOKEN"):
        await send_webhook(no_token, "/twilio/status")


async def test_a_tls_setup_is_checked_against_its_own_options(
    world: World, env: dict[str, Any]
) -> None:
    world.reset()
    settings = settings_for(env)
    tls = SetupOptions(tls=True)
    report = await apply_for(settings, tls)
    assert report.ok, report.error
    assert failed(await run_doctor(settings, tls)) == {}
    # The same live set-up judged by the default (tcp) options: the transport is wrong.
    check = failed(await run_doctor(settings))["twilio.origination"]
    assert "want transport=tcp" in check.summary


async def test_encryption_in_force_is_shown_and_a_half_encrypted_line_fails(
    world: World, env: dict[str, Any]
) -> None:
    world.reset()
    settings, tls = settings_for(env), SetupOptions(tls=True)
    assert (await apply_for(settings, tls)).ok
    check = by_name(await run_doctor(settings, tls, only=("sip.encryption",)))["sip.encryption"]
    assert (check.status, check.summary) == (
        Status.OK,
        "TLS signalling and SRTP media on every part of the line",
    )
    # Someone turns SRTP off on the LiveKit inbound trunk in the console.
    for trunk in world.livekit.state.inbound_trunks.values():
        trunk.media_encryption = SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE
    check = failed(await run_doctor(settings, tls, only=("sip.encryption",)))["sip.encryption"]
    assert "half encrypted" in check.summary
    assert "not: LiveKit inbound SRTP" in check.summary
    assert "setup apply" in check.fix


async def test_a_plain_line_passes_in_development_and_fails_in_production(
    world: World, env: dict[str, Any]
) -> None:
    development = by_name(await run_doctor(settings_for(env), only=("sip.encryption",)))
    assert development["sip.encryption"].status is Status.OK
    assert "development default" in development["sip.encryption"].summary
    production = settings_for(env, webhook_base_url="https://switchboard.example").model_copy(
        update={"env": Environment.PRODUCTION}
    )
    checks = await run_doctor(production, SetupOptions(), only=("sip.encryption",))
    assert failed(checks)["sip.encryption"].summary.startswith("calls cross the internet")
    allowed = SetupOptions(allow_plain_sip=True)
    checks = await run_doctor(production, allowed, only=("sip.encryption",))
    assert by_name(checks)["sip.encryption"].status is Status.WARN


SOURCE = "livekit.inbound_source"


def inbound_trunk(world: World) -> Any:
    [trunk] = world.livekit.state.inbound_trunks.values()
    return trunk


async def source_check(env: dict[str, Any], options: SetupOptions | None = None) -> Check:
    return by_name(await run_doctor(settings_for(env), options, only=(SOURCE,)))[SOURCE]


async def test_the_sources_in_force_are_shown(world: World, env: dict[str, Any]) -> None:
    check = await source_check(env)
    assert check.status is Status.OK
    assert check.summary == (
        "inbound trunk switchboard-inbound admits Twilio ashburn, umatilla, dublin, frankfurt, "
        "tokyo, singapore, sydney, sao-paulo (ranges as of 2026-12-07)"
    )


async def test_an_open_inbound_trunk_fails(world: World, env: dict[str, Any]) -> None:
    del inbound_trunk(world).allowed_addresses[:]
    check = await source_check(env)
    assert check.status is Status.FAIL
    assert f"admits INVITEs for {NUMBER} from any address" in check.summary
    assert "setup apply" in check.fix
    # Only malformed entries: LiveKit skips them all, which is "any address" again.
    inbound_trunk(world).allowed_addresses.append("54.172.60.0/30, 54.244.51.0/30")
    check = await source_check(env)
    assert check.status is Status.FAIL
    assert "LiveKit skips every entry" in check.summary


async def test_an_open_trunk_the_options_allow_is_a_warning(
    world: World, env: dict[str, Any]
) -> None:
    del inbound_trunk(world).allowed_addresses[:]
    check = await source_check(env, SetupOptions(allow_any_source=True))
    assert check.status is Status.WARN
    assert check.summary.endswith("from any address (allow_any_source)")


async def test_missing_edges_and_foreign_addresses_are_warnings(
    world: World, env: dict[str, Any]
) -> None:
    trunk = inbound_trunk(world)
    trunk.allowed_addresses.remove("54.65.63.192/30")  # tokyo
    trunk.allowed_addresses.append("198.51.100.7")
    check = await source_check(env)
    assert check.status is Status.WARN
    assert "calls Twilio sends from tokyo are dropped (54.65.63.192/30 missing)" in check.summary
    assert "also admits 198.51.100.7: not Twilio signalling addresses" in check.summary
    # Configured as an extra, the address is expected; with tokyo out of use, nothing is missing.
    edges = ("ashburn", "umatilla", "dublin", "frankfurt", "singapore", "sydney", "sao-paulo")
    options = SetupOptions(twilio_edges=edges, extra_inbound_addresses=("198.51.100.7",))
    check = await source_check(env, options)
    assert check.status is Status.OK
    assert "sao-paulo + 198.51.100.7" in check.summary


async def test_a_catch_all_rule_for_our_agent_bypasses_the_list(
    world: World, env: dict[str, Any]
) -> None:
    for rule in world.livekit.state.dispatch_rules.values():
        del rule.trunk_ids[:]
    check = await source_check(env)
    assert check.status is Status.FAIL
    assert "has no trunk ids" in check.summary


async def test_an_unknown_edge_is_named(world: World, env: dict[str, Any]) -> None:
    check = await source_check(env, SetupOptions(twilio_edges=("virginia",)))
    assert check.status is Status.FAIL
    assert "unknown edge(s) 'virginia'; valid: ashburn" in check.summary


async def test_the_summary_shows_the_edges_the_list_really_admits(
    world: World, env: dict[str, Any]
) -> None:
    # The trunk admits every edge; switchboard.yaml now uses two. Nothing is missing or foreign,
    # and the summary still says what LiveKit admits today.
    check = await source_check(env, SetupOptions(twilio_edges=("ashburn", "dublin")))
    assert check.status is Status.OK
    assert "admits Twilio ashburn, umatilla, dublin, frankfurt" in check.summary


async def test_digest_credentials_alone_are_a_warning(world: World, env: dict[str, Any]) -> None:
    trunk = inbound_trunk(world)
    trunk.auth_username, trunk.auth_password = "lk-user", "Lk-passw0rd-long"
    assert "with digest auth" in (await source_check(env)).summary
    del trunk.allowed_addresses[:]
    check = await source_check(env)
    assert check.status is Status.WARN
    assert "Twilio's calls fail with 407" in check.summary
