"""`setup plan/apply` restricts the LiveKit inbound trunk to Twilio's signalling addresses, against
both fakes through the real clients; the LiveKit fake then refuses an INVITE from anywhere else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.services.provisioning_world import (
    NUMBER,
    World,
    apply_for,
    pending,
    plan_for,
    running_world,
)

from switchboard.adapters.provisioning import open_providers
from switchboard.domain.provisioning import Action, Kind, Step
from switchboard.domain.provisioning.desired import ProvisioningConfigError, SetupOptions
from switchboard.fakes.livekit import InboundRefused, simulate_inbound_call
from switchboard.services.backup import export_backup, read_backup, restore_backup
from switchboard.services.provisioning import desired_from_settings

CALLER = "+16125550123"
WHEN = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
TWILIO = (
    "54.172.60.0/30",
    "54.244.51.0/30",
    "54.171.127.192/30",
    "35.156.191.128/30",
    "54.65.63.192/30",
    "54.169.127.128/30",
    "54.252.254.64/30",
    "177.71.206.192/30",
)


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World) -> World:
    module_world.reset()
    return module_world


def inbound(world: World) -> Any:
    [trunk] = world.livekit.state.inbound_trunks.values()
    return trunk


def inbound_step(plan_steps: tuple[Step, ...]) -> Step:
    return next(s for s in plan_steps if s.desired.kind is Kind.LIVEKIT_INBOUND_TRUNK)


async def test_apply_admits_every_twilio_edge_and_nobody_else(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    report = await apply_for(settings)
    assert report.ok, report.error
    assert tuple(inbound(world).allowed_addresses) == TWILIO
    # A call as Twilio Sydney sends it reaches the agent's room; the same INVITE from elsewhere
    # is dropped by LiveKit with no final response.
    call = simulate_inbound_call(world.livekit.state, CALLER, NUMBER, source_ip="54.252.254.66")
    assert call.trunk_id == inbound(world).sip_trunk_id
    with pytest.raises(InboundRefused) as refused:
        simulate_inbound_call(world.livekit.state, CALLER, NUMBER, source_ip="198.51.100.7")
    assert refused.value.sip_status is None
    assert len(world.livekit.state.rooms) == 1


async def test_an_open_trunk_from_an_older_setup_is_closed_and_the_plan_says_so(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    del inbound(world).allowed_addresses[:]  # as setup left it before this release
    plan = await plan_for(settings)
    step = inbound_step(plan.steps)
    assert step.action is Action.DRIFTED
    [diff] = step.differences
    assert (diff.field, diff.live, diff.desired) == ("allowed_addresses", (), TWILIO)
    assert step.notes == (
        "the trunk admits INVITEs from any address today; from now on only the listed ones",
    )
    assert pending(plan) == [("livekit.inbound_trunk", "switchboard-inbound", "drifted")]
    assert (await apply_for(settings)).ok
    assert tuple(inbound(world).allowed_addresses) == TWILIO
    assert (await plan_for(settings)).in_sync


async def test_a_different_list_is_replaced_and_reapplying_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    trunk = inbound(world)
    trunk.allowed_addresses.remove("54.65.63.192/30")
    trunk.allowed_addresses.append("0.0.0.0/0")
    step = inbound_step((await plan_for(settings)).steps)
    assert step.notes == ("admits also 54.65.63.192/30; no longer admits 0.0.0.0/0",)
    assert (await apply_for(settings)).ok
    assert tuple(inbound(world).allowed_addresses) == TWILIO
    before = len(world.livekit.state.requests)
    report = await apply_for(settings)
    assert report.applied == []
    writes = [r for r in world.livekit.state.requests[before:] if "List" not in r.method]
    assert writes == []


async def test_chosen_edges_and_an_sbc(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    options = SetupOptions(
        twilio_edges=("umatilla", "ashburn"), extra_inbound_addresses=("203.0.113.10",)
    )
    step = inbound_step((await plan_for(settings, options)).steps)
    assert step.action is Action.DRIFTED
    assert (await apply_for(settings, options)).ok
    assert tuple(inbound(world).allowed_addresses) == (
        "54.244.51.0/30",
        "54.172.60.0/30",
        "203.0.113.10",
    )
    state = world.livekit.state
    assert simulate_inbound_call(state, CALLER, NUMBER, source_ip="203.0.113.10").room
    with pytest.raises(InboundRefused):  # Dublin is no longer in use
        simulate_inbound_call(state, CALLER, NUMBER, source_ip="54.171.127.193")
    assert (await plan_for(settings, options)).in_sync


async def test_allow_any_source_opens_the_trunk_knowingly(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    options = SetupOptions(allow_any_source=True)
    step = inbound_step((await plan_for(settings, options)).steps)
    assert step.notes == (
        "from now on the trunk admits INVITEs from any address (allow_any_source)",
    )
    assert (await apply_for(settings, options)).ok
    assert list(inbound(world).allowed_addresses) == []
    assert simulate_inbound_call(world.livekit.state, CALLER, NUMBER, source_ip="198.51.100.7")


async def test_digest_credentials_an_operator_set_are_kept(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    trunk = inbound(world)
    trunk.auth_username, trunk.auth_password = "sbc-user", "Sbc-passw0rd-long"
    del trunk.allowed_addresses[:]
    assert (await apply_for(settings)).ok
    trunk = inbound(world)
    assert (trunk.auth_username, trunk.auth_password) == ("sbc-user", "Sbc-passw0rd-long")
    assert tuple(trunk.allowed_addresses) == TWILIO


async def test_an_unknown_edge_stops_the_plan_before_any_request(
    world: World, tmp_path: Path
) -> None:
    settings = world.settings(tmp_path)
    before = len(world.livekit.state.requests)
    with pytest.raises(ProvisioningConfigError, match="valid: ashburn, umatilla, dublin"):
        await plan_for(settings, SetupOptions(twilio_edges=("us-east",)))
    assert len(world.livekit.state.requests) == before


async def test_a_backup_carries_the_list_and_restores_it(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    await apply_for(settings)
    desired = desired_from_settings(settings, SetupOptions())
    async with open_providers(settings) as providers:
        text = await export_backup(providers, desired, exported_at=WHEN, directory_yaml="")
    [doc] = [e for e in yaml.safe_load(text)["setup"] if e["kind"] == "livekit.inbound_trunk"]
    assert tuple(doc["fields"]["allowed_addresses"]) == TWILIO
    world.reset()  # a new LiveKit project
    async with open_providers(settings) as providers:
        _, report = await restore_backup(providers, read_backup(text))
    assert report is not None
    assert report.ok, report.error
    assert tuple(inbound(world).allowed_addresses) == TWILIO


async def test_the_caller_id_verification_header_reaches_the_agent_as_an_attribute(
    world: World, tmp_path: Path
) -> None:
    """Screening reads Twilio's X-Twilio-VerStat from the caller's participant attributes; setup
    asks LiveKit to copy it there, and a second apply finds nothing to change."""
    settings = world.settings(tmp_path)
    report = await apply_for(settings)
    assert report.ok, report.error
    assert dict(inbound(world).headers_to_attributes) == {"X-Twilio-VerStat": "sip.verstat"}
    assert pending(await plan_for(settings)) == []
