"""Emergencies are answered with "please hang up and dial 911", never dialled (docs/call-behaviour.md,
"Policy"). Pure."""

from __future__ import annotations

import re

_EMERGENCY = re.compile(
    # "fire" alone counts (safety first), but not in "fire drill", "fire safety" and the like.
    r"\b(?:fire(?! (?:drill|safety|extinguishers?|inspections?|codes?|insurance))|smell smoke|"
    r"smoke in|full of smoke|911|nine one one|ambulance|paramedics?|having a stroke|"
    r"(?:someone|somebody|he|she|they|person|man|woman|colleague)(?:'s| is| are| has been| got)? "
    r"(?:hurt|injured|bleeding|unconscious|not breathing|collapsed|dying)|"
    r"heart attack|can'?t breathe|not breathing|overdose|medical emergency|gas leak)\b",
    re.IGNORECASE,
)


def is_emergency(text: str) -> bool:
    """True when the caller reports a fire, an injury or asks for 911."""
    return bool(_EMERGENCY.search(text))
