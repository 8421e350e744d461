"""What happens when the fake "dials" a number: scripted per number on `FakeState.outcomes`.

    fake.state.script("+15550100", DialOutcome.answered(after=2))
    fake.state.script("+15550101", DialOutcome.busy())          # SIP 486 → resource_exhausted
    fake.state.script("+15550102", DialOutcome.no_answer())     # rings out → canceled, no SIP status
    fake.state.script("+15550106", DialOutcome.no_answer(480))  # the carrier gives up first: 480
    fake.state.script("+15550103", DialOutcome.declined())      # SIP 603 → permission_denied
    fake.state.script("+15550104", DialOutcome.failed(503))     # SIP 503 → failed_precondition
    fake.state.script("+15550105", DialOutcome.manual())        # rings until re-scripted

Seconds are multiplied by `FakeState.time_scale`, so tests can ring for "20 s" in 0.2 s.
"""

from __future__ import annotations

from dataclasses import dataclass

# livekit-api pins this when a dial leaves ringing_timeout unset, so the server never uses its own
# default (3 min in livekit-sip: pkg/sip/participant.go:83).
# upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:705 (30 s for transfers)
DEFAULT_RINGING_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class DialOutcome:
    """How one dialled number behaves.

    `after` is how long it rings before answering or failing; None means it rings until the
    request's ringing timeout. `sip_status` None means nobody sends a final status: livekit-sip's
    own ringing timer ends the call (a CANCEL, and `canceled` "sip request timed out").
    """

    answer: bool
    after: float | None = 0.0
    sip_status: int | None = 200
    reason: str | None = None
    waits_for_script: bool = False

    @classmethod
    def answered(cls, after: float = 0.0) -> DialOutcome:
        """Picks up after `after` seconds of ringing."""
        return cls(answer=True, after=after)

    @classmethod
    def busy(cls, after: float = 0.0) -> DialOutcome:
        """486 Busy Here."""
        return cls(answer=False, after=after, sip_status=486)

    @classmethod
    def no_answer(cls, sip_status: int | None = None) -> DialOutcome:
        """Rings out: LiveKit's ringing timer ends it, or the carrier first with `sip_status`.

        With a `sip_status` (480 Temporarily Unavailable, 408 from the far end) the carrier ends
        the ringing just before LiveKit's timer would have.
        """
        return cls(answer=False, after=None, sip_status=sip_status)

    @classmethod
    def manual(cls) -> DialOutcome:
        """Rings until the test scripts another outcome for the number, or the ringing timeout."""
        return cls(answer=False, after=None, sip_status=None, waits_for_script=True)

    @classmethod
    def declined(cls, after: float = 0.0) -> DialOutcome:
        """603 Decline: the callee rejected the call."""
        return cls(answer=False, after=after, sip_status=603)

    @classmethod
    def failed(
        cls, sip_status: int = 503, after: float = 0.0, reason: str | None = None
    ) -> DialOutcome:
        """Any other final failure (500, 503, 404…)."""
        if sip_status < 300:
            raise ValueError("a failed dial needs a final SIP status of 300 or more")
        return cls(answer=False, after=after, sip_status=sip_status, reason=reason)

    def ring_seconds(self, ringing_timeout: float) -> float:
        """Seconds of ringing before the outcome, capped by the request's ringing timeout."""
        if self.after is None:
            return ringing_timeout
        return min(self.after, ringing_timeout)

    def times_out(self, ringing_timeout: float) -> bool:
        """True when the ringing timeout strikes before this outcome happens."""
        return self.after is None or self.after > ringing_timeout


def number_in(uri: str) -> str:
    """The user part of a `tel:`/`sip:`/`sips:` URI, optionally in angle brackets."""
    inner = uri.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    for scheme in ("tel:", "sips:", "sip:"):
        if inner.startswith(scheme):
            inner = inner[len(scheme) :]
            break
    return inner.split("@", 1)[0].split(";", 1)[0]
