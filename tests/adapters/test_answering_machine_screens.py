"""How the LiveKit screens combine verdicts: AMD (LLM) alongside the offline screen, and the
LiveKitMedia side never dropping a person when a screen breaks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentSession

from switchboard.adapters.livekit.answer_screen import (
    AmdScreen,
    EnergyScreen,
    answer_screen,
)
from switchboard.adapters.livekit.room_media import LiveKitMedia
from switchboard.domain.answering_machine import Answerer, Verdict

PERSON = Verdict(Answerer.HUMAN, "short", 1.8)
MACHINE = Verdict(Answerer.MACHINE, "beep", 2.5)
UNSURE = Verdict(Answerer.UNSURE, "no speech", 4.5)


class Fixed:
    """A screen that answers `verdict` after `delay` seconds (or never, when delay is None)."""

    def __init__(self, verdict: Verdict, delay: float | None = 0.0) -> None:
        self.verdict, self.delay = verdict, delay
        self.cancelled = False

    async def screen(self, room: rtc.Room, session: AgentSession[Any], identity: str) -> Verdict:
        try:
            if self.delay is None:
                await asyncio.Event().wait()
            await asyncio.sleep(self.delay or 0)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return self.verdict


class ScriptedAmd(AmdScreen):
    def __init__(self, amd: Verdict | Exception, offline: Fixed, amd_delay: float = 0.0) -> None:
        super().__init__("scripted", offline=offline)
        self._amd, self._delay = amd, amd_delay

    async def amd(self, session: AgentSession[Any], identity: str) -> Verdict:
        await asyncio.sleep(self._delay)
        if isinstance(self._amd, Exception):
            raise self._amd
        return self._amd


async def run(screen: AmdScreen) -> Verdict:
    async with asyncio.timeout(5):
        return await screen.screen(rtc.Room(), AgentSession(), "employee-priya")


@pytest.mark.parametrize(
    ("amd", "offline", "expected"),
    [
        (PERSON, Fixed(PERSON), PERSON),
        (MACHINE, Fixed(PERSON), MACHINE),
        (PERSON, Fixed(MACHINE), MACHINE),  # a beep beats the LLM's reading of the words
        (UNSURE, Fixed(PERSON), PERSON),  # AMD uncertain: the offline verdict decides
        (UNSURE, Fixed(MACHINE), MACHINE),
        (ValueError("AMD classifier could not be resolved"), Fixed(MACHINE), MACHINE),
        (ValueError("AMD classifier could not be resolved"), Fixed(PERSON), PERSON),
    ],
)
async def test_amd_and_the_offline_screen_combine(
    amd: Verdict | Exception, offline: Fixed, expected: Verdict
) -> None:
    assert await run(ScriptedAmd(amd, offline)) == expected


async def test_a_machine_from_amd_does_not_wait_for_the_offline_screen() -> None:
    offline = Fixed(PERSON, delay=None)
    assert await run(ScriptedAmd(MACHINE, offline)) == MACHINE
    assert offline.cancelled


async def test_a_machine_from_the_offline_screen_does_not_wait_for_amd() -> None:
    screen = ScriptedAmd(PERSON, Fixed(MACHINE), amd_delay=30)
    assert await run(screen) == MACHINE


async def test_real_amd_without_an_llm_leaves_the_decision_to_the_offline_screen() -> None:
    # livekit-agents 1.8.9 voice/amd/detector.py `_run`: no LLM given and none on the session
    # raises ValueError("AMD classifier could not be resolved…").
    screen = AmdScreen(None, offline=Fixed(PERSON))
    with pytest.raises(ValueError, match="could not be resolved"):
        await screen.amd(AgentSession(), "employee-priya")
    assert await run(screen) == PERSON


def test_amd_only_when_a_hosted_llm_is_configured() -> None:
    assert isinstance(answer_screen(None), EnergyScreen)
    hosted = answer_screen("openai/gpt-4.1-mini")
    assert isinstance(hosted, AmdScreen)
    assert hosted.llm == "openai/gpt-4.1-mini"


class Broken:
    async def screen(self, room: rtc.Room, session: AgentSession[Any], identity: str) -> Verdict:
        raise RuntimeError("the audio stream failed")


def media_with(screen: Any) -> LiveKitMedia:
    return LiveKitMedia(
        url="ws://unused",
        api_key="key",
        api_secret="secret",
        caller_room=rtc.Room(),
        caller_session=AgentSession(),
        consult_session=AgentSession,
        screen=screen,
    )


@pytest.mark.parametrize(
    ("screen", "machine"),
    [(Fixed(MACHINE), True), (Fixed(PERSON), False), (Fixed(UNSURE), False), (Broken(), False)],
)
async def test_livekit_media_hangs_up_only_on_a_machine_verdict(screen: Any, machine: bool) -> None:
    media = media_with(screen)
    caller_room = next(iter(media._legs))
    inbox = media._legs[caller_room].inbox
    inbox.speech_started("employee-priya")
    inbox.transcribed("employee-priya", "Hello?")
    inbox.speech_ended("employee-priya")
    assert await media.screen_answer(caller_room, "employee-priya") is machine
    # The pickup's words are not a decision: nothing said before the screen ended counts.
    assert await inbox.next("employee-priya", wait_seconds=0.05) is None


async def test_livekit_media_cannot_screen_a_room_it_never_joined() -> None:
    assert await media_with(Fixed(MACHINE)).screen_answer("elsewhere", "employee-priya") is False
