"""Scenario keys for what follows a call (chat_service, voicemail, follow_up, delivery,
chat_posts): bad input is refused naming the key, and wrong expectations really fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from switchboard.bootstrap import call_factory
from switchboard.services.scenarios import ScenarioError, load_scenario, run_scenarios

SUITE = Path(__file__).parents[1] / "scenarios"


def scenario_file(tmp_path: Path, body: str) -> Path:
    shutil.copy(SUITE / "chat-directory.yaml", tmp_path / "chat-directory.yaml")
    path = tmp_path / "s.yaml"
    path.write_text(body, encoding="utf-8")
    return path


CHAT_CALL = """\
directory: chat-directory.yaml
now: "2026-11-24T10:15:00-06:00"
caller:
  turns: ["Nora Quinn please", "Yes", "This is Dana Whitfield",
          "The number I'm calling from is fine", "Yes",
          "Please call me back about the pickup in Joliet."]
"""


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("chat_service: {answers: [700]}", "chat_service.answers"),
        ("chat_service: {answers: []}", "chat_service.answers"),
        ("chat_service: {answers: 500}", "chat_service.answers"),
        ("chat_service: {answer: [500]}", "chat_service.answer"),
        ("chat_service: {stall_seconds: 99}", "chat_service.stall_seconds"),
        ("expect: {delivery: {pigeon: sent}}", "expect.delivery.pigeon"),
        ("expect: {delivery: {chat: posted}}", "expect.delivery.chat"),
        ("expect: {chat_posts: two}", "expect.chat_posts"),
        ("expect: {follow_up: {channels: [sms]}}", "expect.follow_up.for"),
        ("voicemail: {audio: missing.wav}", "voicemail.audio"),
        ("voicemail: {audio: chat-directory.yaml, seconds: -1}", "voicemail.seconds"),
    ],
)
def test_bad_follow_up_keys_name_the_key(tmp_path: Path, extra: str, key: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario_file(tmp_path, CHAT_CALL + extra + "\n"))
    assert caught.value.key == key


async def test_wrong_chat_expectations_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = scenario_file(
        tmp_path,
        CHAT_CALL
        + "chat_service: {answers: [503, 200]}\n"
        + "expect: {delivery: {chat: failed}, chat_posts: 1, follow_up: {for: nora-quinn}}\n",
    )
    [report] = await run_scenarios([load_scenario(path)], wire=call_factory)
    assert report.result is not None, report.failures
    assert report.result.notifications, report.failures
    assert report.result.notifications[0]["status"] == "sent"  # after the retry
    assert sorted(f.split(":")[0] for f in report.failures) == [
        "chat_posts",
        "delivery.chat",
        "follow_up",
    ]
