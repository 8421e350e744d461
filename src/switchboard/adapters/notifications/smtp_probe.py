"""Doctor's SMTP check as an adapter: connect, log in and quit within a time limit, and say which
of those failed (services/doctor/local.py turns the answer into a check row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from switchboard.settings import Settings

Stage = Literal["ok", "connect", "login", "smtp"]


@dataclass(frozen=True, slots=True)
class SmtpProbe:
    stage: Stage  # "ok", or where it failed
    detail: str = ""


async def probe_smtp(settings: Settings, request_timeout: float) -> SmtpProbe:
    """SMTP_HOST must be set."""
    s = settings
    smtp = aiosmtplib.SMTP(
        hostname=s.smtp_host,
        port=s.smtp_port,
        use_tls=s.smtp_security == "tls",
        start_tls=s.smtp_security == "starttls",
        timeout=request_timeout,
    )
    try:
        await smtp.connect()
    except (aiosmtplib.SMTPException, OSError) as exc:
        return SmtpProbe("connect", str(exc))
    try:
        if s.smtp_username and s.smtp_password is not None:
            await smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        await smtp.quit()
    except aiosmtplib.SMTPAuthenticationError as exc:
        return SmtpProbe("login", f"({exc.code}): {exc.message}")
    except aiosmtplib.SMTPException as exc:
        return SmtpProbe("smtp", str(exc))
    finally:
        smtp.close()
    return SmtpProbe("ok")
