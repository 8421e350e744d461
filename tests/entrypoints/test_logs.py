"""Logs: one JSON object per line, the call id on every line of a call, numbers masked."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from switchboard.domain.phone import mask, mask_numbers_in
from switchboard.logs import bind_call, configure_logging, get_logger


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_call_id_tags_every_line_including_child_tasks_and_stdlib(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    log = get_logger("test")

    async def child() -> None:
        log.info("in child task")

    async def call() -> None:
        with bind_call("call-42"):
            log.info("greeted")
            await asyncio.create_task(child())
            logging.getLogger("livekit").warning("from a library")
        log.info("after the call")

    asyncio.run(call())
    lines = _lines(capsys.readouterr().err)
    assert [line.get("call_id") for line in lines] == ["call-42", "call-42", "call-42", None]


def test_phone_numbers_are_masked_in_fields_and_messages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    get_logger("test").info(
        "dialing +13125550112", to="+13125550112", nested={"n": "(312) 555-0199"}
    )
    logging.getLogger("x").info("caller 312-555-0177 on hold")
    out = capsys.readouterr().err
    for digits in ("5550112", "555-0199", "555-0177"):
        assert digits not in out
    first, second = _lines(out)
    assert first["to"] == "+1******0112"
    assert "+1******0112" in str(first["event"])
    assert "0177" in str(second["event"])


def test_secrets_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    get_logger("test").info("login", password="hunter2hunter2", auth_token="abc")
    out = capsys.readouterr().err
    assert "hunter2" not in out
    assert "abc" not in out.replace("********", "")


@pytest.mark.parametrize(
    ("number", "masked"),
    [("+13125550112", "+1******0112"), ("3125550112", "******0112"), ("112", "***"), ("", "")],
)
def test_mask(number: str, masked: str) -> None:
    assert mask(number) == masked


def test_mask_numbers_in_leaves_ordinary_text_alone() -> None:
    assert mask_numbers_in("room 12, 3 people, at 10:15") == "room 12, 3 people, at 10:15"


def test_stdlib_extra_fields_are_kept_and_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    logging.getLogger("switchboard.test").info(
        "inbound sms", extra={"from": "+16125550177", "count": 3}
    )
    (line,) = _lines(capsys.readouterr().err)
    assert line["from"] == "+1******0177"
    assert line["count"] == 3


def test_timestamps_and_iso_times_are_not_mistaken_for_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    get_logger("test").info("called at 2026-11-24T10:15:00-06:00", at="2026-11-24 10:15:07.5Z")
    (line,) = _lines(capsys.readouterr().err)
    assert "*" not in str(line["timestamp"])
    assert str(line["timestamp"]).startswith("20")
    assert line["event"] == "called at 2026-11-24T10:15:00-06:00"
    assert line["at"] == "2026-11-24 10:15:07.5Z"
    assert mask_numbers_in("call 2026-11-24 from 312-555-0100") == "call 2026-11-24 from ******0100"


def test_ip_addresses_are_not_masked_but_dotted_phone_numbers_are() -> None:
    assert mask_numbers_in("from 203.0.113.9 at 10.0.0.7") == "from 203.0.113.9 at 10.0.0.7"
    assert mask_numbers_in("call 312.555.0100") == "call ******0100"


def test_lines_follow_stderr_after_it_is_replaced_and_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CLI runner (or a daemon) swaps stderr and closes the old one; logging must not break."""
    import io
    import sys

    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("INFO", "json")
    logging.getLogger("x").info("one")
    first.close()
    monkeypatch.setattr(sys, "stderr", second)
    raised: list[BaseException] = []
    monkeypatch.setattr(logging, "raiseExceptions", True)
    monkeypatch.setattr(
        logging.Handler, "handleError", lambda self, record: raised.append(sys.exc_info()[1])
    )
    logging.getLogger("x").info("two")
    assert raised == []
    assert [line["event"] for line in _lines(second.getvalue())] == ["two"]
