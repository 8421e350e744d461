"""Per-IP limiting of REJECTED webhook requests (unsigned, forged, malformed, oversized).

Only requests that already failed authentication or parsing are counted, and only they are
answered 429 once an address is over its limit. Validly signed Twilio traffic is never counted
and never throttled, because a 429 on /twilio/voice would send a real caller to the fallback.
With REDIS_URL set, replicas share the counters (needs the `redis` extra).
"""

from __future__ import annotations

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

DEFAULT_REJECT_RATE = "60/minute"


class RejectLimiter:
    def __init__(self, rate: str = DEFAULT_REJECT_RATE, *, redis_url: str | None = None) -> None:
        self._item: RateLimitItem = parse(rate)
        storage: Storage
        if redis_url:
            built = storage_from_string(f"async+{redis_url}")
            assert isinstance(built, Storage)  # the async+ scheme always gives an async storage
            storage = built
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)

    async def allow(self, address: str) -> bool:
        """Count one rejected request from `address`; False once it is over the limit."""
        return await self._limiter.hit(self._item, "twilio-reject", address)


def client_address(request: Request, trust_forwarded_headers: bool) -> str:
    """The caller's IP: the hop our trusted proxy appended to X-Forwarded-For, else the peer."""
    if trust_forwarded_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.client.host if request.client else "unknown"
