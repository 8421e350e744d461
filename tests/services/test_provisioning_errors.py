"""Provider errors mid-apply: stop, explain in plain words, report what was and was not done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.services.provisioning_world import NUMBER, World, apply_for, plan_for, running_world
from twilio.base.exceptions import TwilioException

from switchboard.adapters.provisioning import explain_provider_error
from switchboard.domain.provisioning import Kind
from switchboard.fakes.livekit.errors import TwirpError
from switchboard.fakes.twilio.resources import sms_target, voice_target


@pytest.fixture(scope="module")
def module_world() -> Iterator[World]:
    with running_world() as world:
        yield world


@pytest.fixture
def world(module_world: World) -> World:
    module_world.reset()
    return module_world


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (500, None, "temporary Twilio problem"),
        (429, 20429, "rate-limiting"),
        (400, 20001, "Twilio answered HTTP 400 (error 20001)"),
    ],
)
async def test_a_twilio_error_stops_apply_and_reports_progress(
    world: World, tmp_path: Path, status: int, code: int | None, words: str
) -> None:
    settings = world.settings(tmp_path)
    world.twilio.state.fail_next("/OriginationUrls", status=status, code=code, method="POST")
    report = await apply_for(settings)
    assert not report.ok
    assert report.failed is not None
    assert report.failed.desired.kind is Kind.ORIGINATION_URL
    assert words in (report.error or "")
    assert [s.desired.kind for s in report.applied] == [
        Kind.TWILIO_TRUNK,
        Kind.CREDENTIAL_LIST,
        Kind.CREDENTIAL,
        Kind.TRUNK_CREDENTIAL_LIST,
    ]
    assert report.not_applied[0] is report.failed
    assert Kind.DISPATCH_RULE in {s.desired.kind for s in report.not_applied}
    assert not world.livekit.state.inbound_trunks  # nothing after the failure was attempted

    # Run again: it resumes with only what is missing, and ends in sync.
    again = await apply_for(settings)
    assert again.ok, again.error
    assert again.applied[0].desired.kind is Kind.ORIGINATION_URL
    assert "switchboard-livekit" not in again.new_secrets  # the password was already set
    assert (await plan_for(settings)).in_sync


async def test_a_livekit_error_is_explained(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path)
    world.livekit.state.injected["CreateSIPDispatchRule"] = [
        TwirpError("unavailable", "sip service is restarting")
    ]
    report = await apply_for(settings)
    assert report.failed is not None
    assert report.failed.desired.kind is Kind.DISPATCH_RULE
    assert report.error == (
        "LiveKit answered unavailable (HTTP 503): sip service is restarting. "
        "LiveKit is unavailable right now: try again shortly."
    )
    # The number is attached after the dispatch rule, so it was not attached either.
    assert [s.desired.kind for s in report.not_applied] == [Kind.DISPATCH_RULE, Kind.PHONE_NUMBER]
    assert len(report.applied) == len((await plan_for(settings)).steps) - 2
    assert (await apply_for(settings)).ok


@pytest.mark.parametrize("rpc", ["CreateSIPInboundTrunk", "CreateSIPDispatchRule"])
async def test_a_failed_livekit_step_leaves_the_numbers_routing_untouched(
    world: World, tmp_path: Path, rpc: str
) -> None:
    number = world.twilio.state.number_by_phone(NUMBER)
    assert number is not None
    number.update(voice_url="https://old.example/voice", sms_url="https://old.example/sms")
    before = dict(number)
    world.livekit.state.fail_next(rpc, "invalid_argument", "conflicting inbound trunk numbers")
    report = await apply_for(world.settings(tmp_path, webhook_base_url="https://rx.example"))
    assert report.failed is not None
    assert "invalid_argument" in (report.error or "")
    assert Kind.PHONE_NUMBER in {s.desired.kind for s in report.not_applied}
    assert number == before  # not on the trunk, voice and SMS URLs as they were
    assert voice_target(number) == ("url", "https://old.example/voice")
    assert sms_target(number) == ("url", "https://old.example/sms")


async def test_bad_twilio_credentials_are_named(world: World, tmp_path: Path) -> None:
    settings = world.settings(tmp_path, twilio_auth_token="wrong-token-wrong-token")
    with pytest.raises(TwilioException) as caught:
        await plan_for(settings)
    assert "TWILIO_AUTH_TOKEN" in explain_provider_error(caught.value)
