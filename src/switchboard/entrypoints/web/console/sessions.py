"""Signed session cookies and CSRF tokens for the console.

Why itsdangerous directly rather than Starlette's SessionMiddleware: the session here is written
once (at login) and only read afterwards, so a middleware that re-signs every response of the
whole app (webhooks included) buys nothing; signing it ourselves keeps the cookie off every
non-console response and lets us choose its flags and lifetime. The cookie holds the user id, the
CSRF token and the time the password was last changed (a new password ends old sessions); its
signed timestamp is checked against the lifetime on every request (itsdangerous
`TimestampSigner.unsign(max_age=...)`), so an old cookie is refused even if a browser kept it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from switchboard.logs import get_logger
from switchboard.settings import Settings, SettingsError

log = get_logger(__name__)

SESSION_COOKIE = "switchboard_session"
LOGIN_COOKIE = "switchboard_login"  # the login form's CSRF token, before there is a session
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str
    csrf: str
    password_changed: float  # the user's password_changed_at, as a POSIX timestamp


class SessionCodec:
    def __init__(self, secret: str, *, secure: bool, lifetime_seconds: int) -> None:
        self._sessions = URLSafeTimedSerializer(secret, salt="switchboard.console.session")
        self._login = URLSafeTimedSerializer(secret, salt="switchboard.console.login")
        self.secure = secure
        self.lifetime = lifetime_seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionCodec:
        """Refuses production without CONSOLE_SESSION_SECRET (a clear SettingsError)."""
        given = settings.console_session_secret
        if given is None:
            if settings.is_production:
                raise SettingsError(
                    "CONSOLE_SESSION_SECRET: required in production to sign console sessions "
                    "(e.g. `openssl rand -hex 32`)"
                )
            log.warning(
                "CONSOLE_SESSION_SECRET is not set: using a random one for this process "
                "(console logins end when it restarts)"
            )
            secret = secrets.token_hex(32)
        else:
            secret = given.get_secret_value()
            if len(secret) < MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"CONSOLE_SESSION_SECRET: needs at least {MIN_SECRET_LENGTH} characters"
                )
        secure = settings.console_cookie_secure
        if secure is None:
            secure = settings.is_production
        return cls(
            secret, secure=secure, lifetime_seconds=int(settings.console_session_hours * 3600)
        )

    # --- the session ---------------------------------------------------------------------------
    def read(self, request: Request) -> Session | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self._sessions.loads(raw, max_age=self.lifetime)
            return Session(str(data["u"]), str(data["c"]), float(data["p"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def start(self, response: Response, user_id: str, password_changed: float) -> None:
        value = self._sessions.dumps(
            {"u": user_id, "c": secrets.token_urlsafe(32), "p": password_changed}
        )
        response.set_cookie(
            SESSION_COOKIE, value, max_age=self.lifetime, httponly=True,
            secure=self.secure, samesite="lax", path="/",
        )  # fmt: skip
        response.delete_cookie(LOGIN_COOKIE, path="/login")

    def end(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, path="/", httponly=True, secure=self.secure, samesite="lax"
        )

    # --- the login form's CSRF token (double submit: a signed cookie and the form field) ---------
    def login_token(self, request: Request) -> tuple[str, str]:
        """(the token for the form, the signed cookie value that matches it)."""
        raw = request.cookies.get(LOGIN_COOKIE)
        token: str | None = None
        if raw:
            try:
                token = str(self._login.loads(raw, max_age=3600))
            except BadSignature:
                token = None
        if token is None:
            token = secrets.token_urlsafe(32)
        return token, self._login.dumps(token)

    def set_login_cookie(self, response: Response, signed: str) -> None:
        response.set_cookie(
            LOGIN_COOKIE, signed, max_age=3600, httponly=True,
            secure=self.secure, samesite="strict", path="/login",
        )  # fmt: skip

    def login_token_ok(self, request: Request, given: str) -> bool:
        raw = request.cookies.get(LOGIN_COOKIE)
        if not raw or not given:
            return False
        try:
            expected = str(self._login.loads(raw, max_age=3600))
        except BadSignature:
            return False
        return hmac.compare_digest(expected.encode(), given.encode())
