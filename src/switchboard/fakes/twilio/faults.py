"""Fault injection: scripted failures for the next N matching requests, and per-recipient outcomes."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

# Messages for the codes tests inject most; anything else gets a generic text.
_MESSAGES = {
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    20503: "Service Unavailable",
    21211: "The 'To' number is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    # upstream: https://www.twilio.com/docs/api/errors/21611 (a 400 on create)
    21611: "This 'From' number has exceeded the maximum number of queued messages",
}
_DEFAULT_CODE = {429: 20429, 500: 20500, 503: 20503}
RECIPIENT_REJECT_CODES = frozenset({21211, 21610, 21614})
FINAL_FAILURES = frozenset({"undelivered", "failed"})


@dataclass(slots=True)
class Fault:
    """Fail (or stall) the next `times` requests whose path contains `path`.

    `status`/`code` make an error answer (code defaults from status: 429→20429, 5xx→205xx);
    `retry_after` adds that header; `delay` sleeps that many seconds first (a client timeout
    when it exceeds the client's). A delay without a status then serves the request normally.
    """

    path: str
    times: int = 1
    status: int | None = None
    code: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        """True when this fault applies to the request."""
        return self.path in path and (self.method is None or self.method.upper() == method)

    @property
    def error_code(self) -> int:
        """The Twilio code to send."""
        return self.code or _DEFAULT_CODE.get(self.status or 0, self.status or 0)

    @property
    def message(self) -> str:
        """The error message to send."""
        return _MESSAGES.get(self.error_code, f"Injected fault {self.error_code}")


@dataclass(frozen=True, slots=True)
class RecipientRule:
    """What happens to messages sent to one number.

    `reject_code` (21610, 21211, 21614) fails the create call itself with a 400; otherwise the
    message is accepted and ends in `final_status` (`undelivered` or `failed`) with `error_code`.
    """

    reject_code: int | None = None
    final_status: str | None = None
    error_code: int | None = None


@dataclass(slots=True)
class FaultBook:
    """The armed faults; thread-safe because tests arm them while the server thread consumes."""

    faults: list[Fault] = field(default_factory=list)
    recipients: dict[str, RecipientRule] = field(default_factory=dict)
    # Random faults: each matching request fails with probability `random_rate`, picking one of
    # `random_faults` (their `times` is ignored). Scripted faults are served first.
    random_rate: float = 0.0
    random_faults: tuple[Fault, ...] = ()
    random_fired: int = 0
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_random(self, rate: float, faults: Sequence[Fault], *, seed: int | None = None) -> None:
        """Fail a `rate` share of matching requests with one of `faults`, chosen at random."""
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        with self._lock:
            self.random_rate, self.random_faults = rate, tuple(faults)
            self._rng = random.Random(seed)

    def arm(self, fault: Fault) -> Fault:
        """Add a fault; it fires for the next `fault.times` matching requests."""
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self.faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault for this request, counted down (removed when spent)."""
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
            if self.random_faults and self._rng.random() < self.random_rate:
                chosen = self._rng.choice(self.random_faults)
                if chosen.matches(method, path):
                    self.random_fired += 1
                    return replace(chosen)
        return None

    def set_recipient(self, number: str, rule: RecipientRule) -> None:
        """Script the outcome of messages to `number`."""
        if rule.reject_code is not None and rule.reject_code not in RECIPIENT_REJECT_CODES:
            raise ValueError(f"reject_code must be one of {sorted(RECIPIENT_REJECT_CODES)}")
        if rule.final_status is not None and rule.final_status not in FINAL_FAILURES:
            raise ValueError("final_status must be 'undelivered' or 'failed'")
        with self._lock:
            self.recipients[number] = rule

    def recipient(self, number: str) -> RecipientRule | None:
        """The rule for `number`, if any."""
        with self._lock:
            return self.recipients.get(number)

    def clear(self) -> None:
        """Disarm everything."""
        with self._lock:
            self.random_rate, self.random_faults = 0.0, ()
            self.faults.clear()
            self.recipients.clear()
