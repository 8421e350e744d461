"""Status-callback settings and the record of callbacks sent (kept apart so state.py stays small)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CallbackOptions:
    """How the fake delivers message status callbacks (FIELD_NOTES: duplicates, any order).

    `duplicate` sends every callback twice; `out_of_order` sends them last status first;
    `step_delay` waits between callbacks (seconds); `enabled=False` only moves the status.
    """

    enabled: bool = True
    duplicate: bool = False
    out_of_order: bool = False
    step_delay: float = 0.0


@dataclass(frozen=True, slots=True)
class SentCallback:
    """One status callback the fake POSTed, and what the receiver answered (None: no answer)."""

    url: str
    params: dict[str, str]
    signature: str
    response_status: int | None
