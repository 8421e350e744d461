"""Caller memory: a returning caller is recognised by their number and greeted by name.

Pure. What is remembered is the caller ID (E.164) and the name the caller gave, with when they
last called and how often; it goes after RETENTION_CALLER_MEMORY_DAYS without a call
(docs/call-behaviour.md, "Caller memory").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MAX_REMEMBERED_NAME = 80
# Placeholders the brains use when no name was given; never remembered as a name.
_NOT_A_NAME = re.compile(
    r"^(?:a caller.*|caller|unknown|anonymous|not given|no name|n/?a|none|yes|no|\W*)$", re.I
)


@dataclass(frozen=True, slots=True)
class KnownCaller:
    number: str  # E.164 caller ID
    name: str
    last_seen: datetime
    calls: int = 1

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


def rememberable_name(name: str | None) -> str | None:
    """The name as it is remembered, or None for no name ("a caller who did not give a name",
    "yes", digits, text that is too long to be a name)."""
    text = " ".join((name or "").split())
    if not text or _NOT_A_NAME.fullmatch(text) or len(text) > MAX_REMEMBERED_NAME:
        return None
    if any(ch.isdigit() for ch in text) or "@" in text:
        return None
    return text


def welcome_back(greeting: str, name: str) -> str:
    """The greeting for a returning caller: "Thank you for calling Acme. Welcome back, Ann!
    How can I help you?" (the name goes before the question, when there is one)."""
    first = name.split()[0] if name.split() else name
    welcome = f"Welcome back, {first}!"
    head, sep, question = greeting.rpartition(". ")
    if sep and question.rstrip().endswith("?"):
        return f"{head}. {welcome} {question}"
    return f"{greeting} {welcome}"


def reason_with_open_messages(reason: str, count: int) -> str:
    """The reason the employee is briefed with, telling them of messages still open from this
    caller: "… about the invoice (they also left you a message earlier that is still open)", or,
    with no reason given, "… about a message they left earlier that is still open"."""
    reason = reason.strip().rstrip(".")
    if count <= 0:
        return reason
    if reason:
        return f"{reason} ({open_message_note(count)})"
    if count == 1:
        return "a message they left earlier that is still open"
    return f"{count} messages they left earlier that are still open"


def open_message_note(count: int) -> str:
    """What the employee hears in the briefing about messages still open from this caller."""
    if count <= 0:
        return ""
    if count == 1:
        return "they also left you a message earlier that is still open"
    return f"they also left you {count} messages earlier that are still open"
