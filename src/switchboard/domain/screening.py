"""Call screening: the block list and the caller-ID verification (STIR/SHAKEN) Twilio reports.

Pure. A blocked caller hears a polite refusal and the call ends (outcome `blocked`); a caller
whose number failed verification may be limited to leaving a message (docs/call-behaviour.md,
"Screening").

Twilio puts its STIR/SHAKEN verification result on the INVITE it sends to a SIP trunk in the
`X-Twilio-VerStat` header. The values below are those Twilio documents for inbound calls
("TN-Validation-Passed-A/B/C", "TN-Validation-Failed-A/B/C", "No-TN-Validation",
"TN-Validation-Failed"); not verified here against the live service. Anything else, or no
header at all, is `unknown`, never a failure: most carriers and every withheld number send none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from switchboard.domain.errors import InvalidInput


class Verification(StrEnum):
    """What Twilio's verification result means for us."""

    PASSED = "passed"  # TN-Validation-Passed-A/B/C
    FAILED = "failed"  # TN-Validation-Failed(-A/B/C): the carrier says the caller ID is spoofed
    NOT_VERIFIED = "not_verified"  # No-TN-Validation: nothing to verify against
    UNKNOWN = "unknown"  # no header, or a value we do not know


def verification(verstat: str | None) -> Verification:
    """The meaning of an `X-Twilio-VerStat` value (case and surrounding spaces ignored)."""
    value = (verstat or "").strip().lower()
    if value.startswith("tn-validation-passed"):
        return Verification.PASSED
    if value.startswith("tn-validation-failed"):
        return Verification.FAILED
    if value == "no-tn-validation":
        return Verification.NOT_VERIFIED
    return Verification.UNKNOWN


class Screening(StrEnum):
    """What screening decided for one call."""

    ALLOW = "allow"
    BLOCK = "block"  # polite refusal, the call ends, outcome `blocked`
    MESSAGE_ONLY = "message_only"  # nobody is dialled; the caller may leave a message


class BlockListError(InvalidInput, ValueError):
    """A block-list entry that is not an E.164 number or prefix."""


_IGNORED = re.compile(r"[\s().-]")
MAX_DIGITS = 15  # E.164: at most 15 digits, country code included


def block_entry(raw: str) -> str:
    """One block-list entry, normalised ("+1 900" -> "+1900"); spaces, dashes, dots and brackets
    are ignored. Raises BlockListError saying exactly what is wrong with it."""
    entry = _IGNORED.sub("", raw)
    digits = entry[1:]
    if not entry:
        problem = "it is empty"
    elif not entry.startswith("+"):
        problem = "it must start with + and the country code"
    elif not digits:
        problem = "there are no digits after the +"
    elif not (digits.isascii() and digits.isdigit()):
        bad = next(c for c in digits if not (c.isascii() and c.isdigit()))
        problem = f"{bad!r} is not a digit (only spaces, dashes, dots and brackets may go between)"
    elif digits.startswith("0"):
        problem = "a country code never starts with 0"
    elif len(digits) > MAX_DIGITS:
        problem = f"it has {len(digits)} digits, at most {MAX_DIGITS} are allowed"
    else:
        return entry
    raise BlockListError(
        f"{raw!r} is not an E.164 number or prefix ({problem}); write it like +16125550100, "
        "or +1900 for every number that starts so"
    )


@dataclass(frozen=True, slots=True)
class BlockList:
    """E.164 numbers and prefixes ("+1900" blocks every +1 900 number). A number matches an
    entry that is equal to it or a prefix of it."""

    entries: tuple[str, ...] = ()

    @classmethod
    def parse(cls, items: Iterable[str]) -> BlockList:
        """From text entries ("+1900", "+1 612 555 0100"); spaces, dashes and dots are ignored,
        empty entries skipped. Raises BlockListError naming the first entry that is not "+" and
        1 to 15 digits (`block_entry` says what is wrong)."""
        return cls(tuple(dict.fromkeys(block_entry(raw) for raw in items if _IGNORED.sub("", raw))))

    def union(self, other: BlockList) -> BlockList:
        """Both lists' entries, this one's first, each once."""
        if not other.entries:
            return self
        if not self.entries:
            return other
        return BlockList(tuple(dict.fromkeys((*self.entries, *other.entries))))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def blocks(self, number: str | None) -> bool:
        """True when `number` (E.164) is listed or starts with a listed prefix. A withheld
        number is never blocked by the list."""
        return bool(number) and any(number.startswith(e) for e in self.entries)  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class ScreeningPolicy:
    """The settings behind screening. `failed_to_message` sends callers whose caller ID failed
    verification to the message-only path."""

    blocked: BlockList = BlockList()
    failed_to_message: bool = False

    @classmethod
    def from_settings(cls, blocked_numbers: str, failed_to_message: bool) -> ScreeningPolicy:
        """From BLOCKED_NUMBERS (comma-separated) and FAILED_ATTESTATION_MESSAGE_ONLY."""
        return cls(BlockList.parse(blocked_numbers.split(",")), failed_to_message)

    def including(self, blocked: BlockList) -> ScreeningPolicy:
        """This policy with `blocked` added to its block list (the directory's own list: the
        effective list is the settings' BLOCKED_NUMBERS and the directory's, together)."""
        if not blocked:
            return self
        return ScreeningPolicy(self.blocked.union(blocked), self.failed_to_message)

    def screen(self, caller_number: str | None, verstat: str | None) -> Screening:
        if self.blocked.blocks(caller_number):
            return Screening.BLOCK
        if self.failed_to_message and verification(verstat) is Verification.FAILED:
            return Screening.MESSAGE_ONLY
        return Screening.ALLOW


BLOCKED_LINE = "Thank you for calling. We're not able to take your call on this line. Goodbye."
