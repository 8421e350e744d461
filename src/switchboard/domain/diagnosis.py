"""What `switchboard doctor` reports, and what Twilio error codes and SIP statuses mean. Pure.

A `Check` is one finding: ok, warn (works, but worth a look) or fail (calls will break), always with
a plain summary and, when not ok, the fix. The tables turn the numbers providers answer with into
the sentence an operator needs (https://www.twilio.com/docs/api/errors, RFC 3261 §21).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    """One doctor finding. `fix` is empty only when there is nothing to do."""

    name: str
    status: Status
    summary: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON shape of `doctor --json`."""
        return {
            "name": self.name,
            "status": self.status.value,
            "summary": self.summary,
            "fix": self.fix,
        }


def ok(name: str, summary: str) -> Check:
    """A passing check."""
    return Check(name, Status.OK, summary)


def warn(name: str, summary: str, fix: str = "") -> Check:
    """A check that passes with a caveat."""
    return Check(name, Status.WARN, summary, fix)


def fail(name: str, summary: str, fix: str) -> Check:
    """A check that found something that breaks calls; `fix` says what to do."""
    return Check(name, Status.FAIL, summary, fix)


def worst(checks: Iterable[Check]) -> Status:
    """fail if any failed, else warn if any warned, else ok (also for no checks at all)."""
    statuses = {c.status for c in checks}
    for status in (Status.FAIL, Status.WARN):
        if status in statuses:
            return status
    return Status.OK


def exit_code(checks: Iterable[Check]) -> int:
    """1 when any check failed; warnings alone still exit 0 (the set-up works)."""
    return 1 if worst(checks) is Status.FAIL else 0


@dataclass(frozen=True, slots=True)
class Explanation:
    """What a code means and what to do about it."""

    meaning: str
    fix: str


_SETUP = "run `switchboard setup plan`, then `switchboard setup apply`"

TWILIO_ERRORS: Mapping[int, Explanation] = {
    32011: Explanation(
        "Twilio could not reach the origination URL (LiveKit SIP) for the call",
        "point the trunk's origination URL at LIVEKIT_SIP_URI with transport=tcp|tls; " + _SETUP,
    ),
    32010: Explanation(
        "the number's trunk has no origination URL, so inbound calls have nowhere to go",
        "add an origination URL for LiveKit SIP; " + _SETUP,
    ),
    32102: Explanation(
        "Twilio rejected the SIP username/password on a call sent to the trunk (termination)",
        "make LiveKit's outbound trunk use the credential attached to the Twilio trunk; " + _SETUP,
    ),
    32203: Explanation(
        "the Twilio trunk's termination domain was not found or is disabled",
        "set LiveKit's outbound trunk address to the Twilio trunk's *.pstn.twilio.com domain",
    ),
    13224: Explanation(
        "the number dialled is not a valid phone number",
        "store the employee's phone in E.164 form (e.g. +13125550100) in the directory",
    ),
    21211: Explanation(
        "the 'To' number is not a valid phone number",
        "fix the number in the directory or settings: E.164 form such as +13125550100",
    ),
    21610: Explanation(
        "the recipient replied STOP and unsubscribed from SMS",
        "do not retry; the person must text START to the number to receive SMS again",
    ),
    20003: Explanation(
        "Twilio rejected the account SID / auth token",
        "copy TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN again from the Twilio console",
    ),
    20404: Explanation(
        "the Twilio resource does not exist (deleted meanwhile?)",
        _SETUP,
    ),
    20429: Explanation(
        "Twilio is rate-limiting requests",
        "nothing is broken: retry after a short wait (it is always safe to retry)",
    ),
}

SIP_STATUSES: Mapping[int, Explanation] = {
    401: Explanation(
        "the SIP server asked for credentials the caller did not give",
        "Twilio cannot answer LiveKit's digest challenge: admit Twilio by number on the "
        "LiveKit inbound trunk, not by username/password",
    ),
    403: Explanation(
        "the SIP credentials or the source address were refused",
        "make the LiveKit outbound trunk's username/password match a credential list "
        "attached to the Twilio trunk (`switchboard doctor` names which side differs)",
    ),
    404: Explanation(
        "no trunk or dispatch rule matched the number that was called",
        "create a LiveKit inbound trunk for the number and a dispatch rule for it; " + _SETUP,
    ),
    408: Explanation(
        "nobody answered before the ringing timeout", "nothing to fix: take a message"
    ),
    480: Explanation(
        "the callee is temporarily unavailable (phone off, out of coverage)",
        "nothing to fix: take a message",
    ),
    486: Explanation("the callee is busy", "nothing to fix: take a message"),
    488: Explanation(
        "the two sides could not agree on media (codec or encryption)",
        "use the same setting on both sides: TLS + SRTP on the Twilio trunk and LiveKit, or neither",
    ),
    500: Explanation(
        "the SIP server failed while handling the call",
        "retry; if it persists check the LiveKit SIP service and Twilio status pages",
    ),
    503: Explanation(
        "the SIP service is unavailable or overloaded",
        "retry; check the LiveKit project's SIP is enabled and LIVEKIT_SIP_URI is its host",
    ),
    603: Explanation(
        "the call or transfer was declined",
        "for SIP REFER transfers set the Twilio trunk's transfer_mode to enable-all "
        "(with PSTN transfer); otherwise the callee declined",
    ),
}


def explain_twilio_code(code: int) -> Explanation | None:
    """The plain meaning of a Twilio error code, when known."""
    return TWILIO_ERRORS.get(code)


def explain_sip_status(status: int) -> Explanation | None:
    """The plain meaning of a final SIP status, when known."""
    return SIP_STATUSES.get(status)
