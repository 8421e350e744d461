"""Slot filling for the offline dialogue: whatever a caller turn answers goes in its slot, whether
or not it was the question just asked (docs/call-behaviour.md, "The simulated caller"). Pure."""

from __future__ import annotations

import re
from collections.abc import Callable

from switchboard.adapters.brain.offline import intents as nlu
from switchboard.adapters.brain.offline.intents import Intent
from switchboard.adapters.brain.offline.state import Asking, DialogueState

_OFFERS_NUMBER = re.compile(r"\b(?:number|calling from|reach me|call me)\b", re.I)


def fill_slots(
    s: DialogueState,
    text: str,
    found: set[Intent],
    asked: Asking,
    read_number: Callable[[str], str | None],
) -> bool:
    """Fill every slot the turn answers; True when it dictated a message."""
    name = nlu.caller_name(text, asked=asked is Asking.NAME)
    s.caller_name = name or s.caller_name
    s.reason = nlu.reason(text) or (text.strip() if asked is Asking.REASON else s.reason)
    msg = nlu.message_text(text)
    if asked is Asking.MESSAGE and not msg:
        msg = text.strip()
    s.message = msg or s.message
    s.urgent = s.urgent or Intent.URGENT in found
    s.wants_message = s.wants_message or Intent.MESSAGE in found
    # Digits inside a dictated message are part of the message, not a callback number.
    offered = asked is not Asking.MESSAGE and _OFFERS_NUMBER.search(text)
    if asked is Asking.NUMBER or offered:
        number = read_number(text)
        if number and number != s.callback:
            s.callback, s.callback_confirmed = number, False
    return bool(msg)
