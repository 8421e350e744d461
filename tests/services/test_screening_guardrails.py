"""Message-only screening and calendars hold for any model: a careless model that calls
transfer_call anyway is refused where the tool runs, and nothing is dialled."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.services.test_receptionist_guardrails import ScriptedLLM, transfer
from tests.support.calls import OPEN_AT, receptionist, tool_outputs

from switchboard.domain.availability import reachability
from switchboard.domain.calendar import BusyInterval
from switchboard.domain.calendar.availability import with_calendars
from switchboard.services.calls.screening import message_only


def _last_output(result: Any) -> dict[str, Any]:
    return json.loads(tool_outputs(result)[-1][1])  # type: ignore[no-any-return]


async def test_message_only_refuses_a_transfer_the_model_insists_on() -> None:
    async with receptionist(ScriptedLLM([("", [transfer("bob")]), ("", [])])) as call:
        call.deps.reachability = message_only(reachability)
        result = await call.session.run(user_input="put me through to Bob")
        assert _last_output(result) == {
            "status": "refused", "reason": "caller_unverified", "offer_message": True,
        }  # fmt: skip
        assert call.calls.dialled == []


async def test_in_a_meeting_refuses_a_transfer_the_model_insists_on() -> None:
    meeting = (BusyInterval(OPEN_AT - timedelta(minutes=5), OPEN_AT + timedelta(minutes=40)),)
    async with receptionist(ScriptedLLM([("", [transfer("bob")]), ("", [])])) as call:
        call.deps.reachability = with_calendars(lambda eid: meeting if eid == "bob" else None)
        result = await call.session.run(user_input="put me through to Bob")
        assert _last_output(result)["reason"] == "in_meeting"
        assert call.calls.dialled == []
