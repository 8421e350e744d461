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
# What callers also say when life is at risk (from the understanding corpus: smoke, a seizure,
# someone who fainted or fell). Checked against the phrases below that only sound alarming.
_DANGER = re.compile(
    r"\b(?:fire|smoke|flames|gas leak|gun|shoot(?:ing|er)|bomb|"
    r"(?:not|isn'?t|stopped) breathing|unconscious|collapsed|fainted|won'?t wake|passed out|"
    r"heart attack|having a stroke|seizure|bleeding|badly (?:hurt|injured)|injured|ambulance|"
    r"fell (?:off|from|down)|hit by a (?:car|truck|forklift|vehicle|van)|overdose|choking|911|"
    r"nine one one|medical emergency)\b",
    re.IGNORECASE,
)
_NOT_DANGER = re.compile(
    r"\bfire (?:drill|safety|extinguishers?|inspections?|codes?|insurance)\b|"
    r"\bnot an emergency\b|\bno emergency\b|\bsmoke detectors?\b",
    re.IGNORECASE,
)


def is_emergency(text: str) -> bool:
    """True when the caller reports a fire, an injury, a threat to life or asks for 911.

    The same rule for every brain: the agent's guard marks the call an emergency from it (nothing
    is dialled afterwards), so a hosted model and the offline brain cannot disagree about it."""
    if _EMERGENCY.search(text):
        return True
    return bool(_DANGER.search(text)) and not _NOT_DANGER.search(text)
