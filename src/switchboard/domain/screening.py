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

_PREFIX = re.compile(r"^\+[1-9]\d{0,14}$")


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


@dataclass(frozen=True, slots=True)
class BlockList:
    """E.164 numbers and prefixes ("+1900" blocks every +1 900 number). A number matches an
    entry that is equal to it or a prefix of it."""

    entries: tuple[str, ...] = ()

    @classmethod
    def parse(cls, items: Iterable[str]) -> BlockList:
        """From text entries ("+1900", "+1 612 555 0100"); spaces, dashes and dots are ignored.
        Raises BlockListError naming the first entry that is not "+" and 1 to 15 digits."""
        found: list[str] = []
        for raw in items:
            entry = re.sub(r"[\s().-]", "", raw)
            if not entry:
                continue
            if not _PREFIX.fullmatch(entry):
                raise BlockListError(f"{raw!r} is not an E.164 number or prefix (like +1900)")
            found.append(entry)
        return cls(tuple(dict.fromkeys(found)))

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

    def screen(self, caller_number: str | None, verstat: str | None) -> Screening:
        if self.blocked.blocks(caller_number):
            return Screening.BLOCK
        if self.failed_to_message and verification(verstat) is Verification.FAILED:
            return Screening.MESSAGE_ONLY
        return Screening.ALLOW


BLOCKED_LINE = "Thank you for calling. We're not able to take your call on this line. Goodbye."
