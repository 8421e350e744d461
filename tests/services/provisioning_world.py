"""Both fakes, settings pointing at them, and shortcuts for the provisioning tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from switchboard.adapters.provisioning import open_providers
from switchboard.domain.provisioning import Action, Kind, Plan
from switchboard.domain.provisioning.desired import SetupOptions
from switchboard.fakes.livekit import RunningFake, running_livekit_fake
from switchboard.fakes.twilio import RunningTwilioFake, running_twilio_fake
from switchboard.services.provisioning import ApplyReport, apply_plan, desired_from_settings
from switchboard.settings import Settings

NUMBER = "+15125550100"
SIP_URI = "sip:abc123.sip.livekit.cloud"


@dataclass
class World:
    twilio: RunningTwilioFake
    livekit: RunningFake

    def reset(self) -> None:
        self.twilio.state.reset()
        self.livekit.state.reset()
        self.twilio.state.add_number(NUMBER)

    def settings(self, data_dir: Path, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "twilio_account_sid": self.twilio.account_sid,
            "twilio_auth_token": self.twilio.auth_token,
            "twilio_api_base_url": self.twilio.base_url,
            "twilio_phone_number": NUMBER,
            "livekit_url": self.livekit.url,
            "livekit_api_key": self.livekit.api_key,
            "livekit_api_secret": self.livekit.api_secret,
            "livekit_sip_uri": SIP_URI,
            # Set up as for LiveKit Cloud: on a loopback URL the default would be refer.
            "transfer_merge_strategy": "move",
            "data_dir": data_dir,
        }
        return Settings(_env_file=None, **{**values, **overrides})


@contextmanager
def running_world() -> Iterator[World]:
    with running_twilio_fake() as twilio, running_livekit_fake() as livekit:
        yield World(twilio, livekit)


async def plan_for(
    settings: Settings, options: SetupOptions | None = None, *, adopt: bool = False
) -> Plan:
    desired = desired_from_settings(settings, options or SetupOptions())
    async with open_providers(settings) as providers:
        return await providers.plan(desired, adopt=adopt)


async def apply_for(
    settings: Settings, options: SetupOptions | None = None, *, adopt: bool = False
) -> ApplyReport:
    desired = desired_from_settings(settings, options or SetupOptions())
    async with open_providers(settings) as providers:
        plan = await providers.plan(desired, adopt=adopt)
        return await apply_plan(plan, providers)


def actions(plan: Plan) -> dict[tuple[Kind, str], Action]:
    return {(s.desired.kind, s.desired.name): s.action for s in plan.steps}


def pending(plan: Plan) -> list[tuple[str, str, str]]:
    return [(s.desired.kind.value, s.desired.name, s.action.value) for s in plan.steps if s.pending]
