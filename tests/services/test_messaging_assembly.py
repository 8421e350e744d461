"""`open_messaging` hands every messaging setting to the parts that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.adapters.notifications.sms import TwilioSmsNotifier
from switchboard.bootstrap import bootstrap
from switchboard.bootstrap.messages import open_messaging
from switchboard.domain.notifications import Channel
from switchboard.settings import load_settings

SERVICE = "MG" + "0123456789abcdef" * 2


@pytest.mark.parametrize("service", [SERVICE, None])
async def test_the_sms_notifier_sends_through_the_messaging_service_when_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, service: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}")
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a" * 32)
    monkeypatch.setenv("TWILIO_SMS_NUMBER", "+13125550100")
    if service:
        monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", service)
    app = await bootstrap(load_settings(), configure_logs=False)
    try:
        async with open_messaging(app) as messaging:
            notifier = messaging.worker._notifiers[Channel.SMS]
            assert isinstance(notifier, TwilioSmsNotifier)
            assert notifier._service == service
    finally:
        await app.close()
