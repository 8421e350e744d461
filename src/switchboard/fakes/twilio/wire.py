"""Twilio's wire conventions shared by every route: errors, SIDs, dates and forms.

API 2010 writes dates in RFC 2822, v1 APIs (trunking) in ISO 8601. Pages are in paging.py.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Resource = dict[str, Any]
API_HOST = "https://api.twilio.com"
TRUNKING_HOST = "https://trunking.twilio.com"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class ApiError(Exception):
    """A Twilio error answer; raised by routes and rendered by the app's exception handler."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(status: int, code: int, message: str) -> Resource:
    """Twilio's legacy error document."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    return {"code": code, "message": message, "more_info": more_info, "status": status}


def error_response(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """A JSON error response with Twilio's body."""
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def not_found(path: str) -> ApiError:
    """Twilio's 20404 for a resource that does not exist (or belongs to someone else)."""
    return ApiError(404, 20404, f"The requested resource {path} was not found")


def missing(name: str) -> ApiError:
    """Twilio's answer to a required form parameter that was not sent."""
    return ApiError(400, 20001, f"Missing required parameter {name} in the post body")


def new_sid(prefix: str) -> str:
    """A Twilio-style SID: two-letter prefix and 32 lower-case hex digits."""
    return prefix + uuid.uuid4().hex


def now() -> datetime:
    """The fake's clock (UTC, whole seconds as Twilio reports them)."""
    return datetime.now(UTC).replace(microsecond=0)


def skewed_now(skew_seconds: float) -> datetime:
    """The fake Twilio's clock when it runs `skew_seconds` ahead of ours (negative: behind)."""
    return (datetime.now(UTC) + timedelta(seconds=skew_seconds)).replace(microsecond=0)


def rfc2822(moment: datetime | None) -> str | None:
    """API 2010's date format, e.g. `Thu, 30 Jul 2015 20:12:31 +0000`."""
    return format_datetime(moment) if moment else None


def iso8601(moment: datetime | None) -> str | None:
    """v1 APIs' date format, e.g. `2015-07-30T20:12:31Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def is_e164(value: str) -> bool:
    """Shape check only: the fake does not know numbering plans (inject 21211 for that)."""
    return bool(_E164.match(value))


async def read_form(request: Request) -> dict[str, str]:
    """The form-encoded body the twilio client sends (repeated keys: the last one wins)."""
    body = (await request.body()).decode("utf-8")
    return dict(parse_qsl(body, keep_blank_values=True))


def as_bool(value: str | None, default: bool) -> bool:
    """Twilio's `true`/`false` form booleans."""
    if value is None:
        return default
    return value.strip().lower() == "true"


def snake(name: str) -> str:
    """`VoiceUrl` → `voice_url`: form parameter names to resource field names."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def apply_form(resource: Resource, form: dict[str, str], allowed: frozenset[str]) -> None:
    """Copy the allowed form parameters onto `resource` (booleans where the field is one)."""
    for key, value in form.items():
        field = snake(key)
        if field in allowed:
            current = resource.get(field)
            resource[field] = as_bool(value, False) if isinstance(current, bool) else value
    resource["date_updated"] = rfc2822(now()) if "uri" in resource else iso8601(now())
