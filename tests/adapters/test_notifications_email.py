"""The SMTP email notifier against a real aiosmtpd server on loopback."""

from __future__ import annotations

import datetime as dt
import email
import ssl
from collections.abc import Iterator
from dataclasses import replace as dt_replace
from email.message import Message as MimeMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from switchboard.adapters.notifications import SmtpConfig, SmtpEmailNotifier
from switchboard.domain.messages import Message, RecipientKind
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.fakes.serving import free_port
from switchboard.ports.notifications import PermanentNotifyError, TemporaryNotifyError

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

NOW = dt.datetime(2026, 11, 23, 20, 5, tzinfo=dt.UTC)
MESSAGE = Message(
    id="m1",
    recipient_kind=RecipientKind.EMPLOYEE,
    recipient_id="ann",
    caller_name="Bob <Smith>",
    callback_number="+13125550199",
    text="Call me about <the invoice> & stuff",
    created_at=NOW,
    urgent=True,
)
NOTE = Notification("m1.email.0", "m1", Channel.EMAIL, "ann@acme.test", NOW, NOW)


class Handler:
    """Records accepted mail; `rcpt_reply` / `data_reply` script refusals."""

    def __init__(self) -> None:
        self.received: list[MimeMessage] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"desk", b"S3cret!pw")
    return AuthResult(success=ok, handled=False)  # False: aiosmtpd sends the 535 itself


def serve(handler: Handler, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def plain_port(handler: Handler) -> Iterator[int]:
    controller, port = serve(handler)
    yield port
    controller.stop()


def notifier(port: int, **changes: Any) -> SmtpEmailNotifier:
    config: dict[str, Any] = {"host": "127.0.0.1", "port": port, "sender": "desk@acme.test"}
    config |= {"security": "none", "timeout": 5.0} | changes
    return SmtpEmailNotifier(SmtpConfig(**config), company="Acme", timezone="America/Chicago")


async def test_accepted_mail_is_multipart_text_and_escaped_html(
    handler: Handler, plain_port: int
) -> None:
    result = await notifier(plain_port).send(NOTE, MESSAGE)
    assert result.status is NotificationStatus.SENT
    assert result.provider_id
    assert result.provider_id.startswith("<")
    [mail] = handler.received
    assert mail["To"] == "ann@acme.test"
    assert mail["Subject"] == "URGENT: Message from Bob <Smith>"
    assert mail["Message-ID"] == result.provider_id
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in mail.walk()}
    text, html = (bytes(parts[k]).decode() for k in ("text/plain", "text/html"))
    assert "Call me about <the invoice> & stuff" in text
    assert "&lt;the invoice&gt; &amp; stuff" in html
    assert "14:05 CST" in text


async def test_550_refusal_is_permanent(handler: Handler, plain_port: int) -> None:
    handler.rcpt_reply = "550 5.1.1 No such user"
    with pytest.raises(PermanentNotifyError) as info:
        await notifier(plain_port).send(NOTE, MESSAGE)
    assert info.value.code == "550"
    assert not info.value.retryable
    assert handler.received == []


@pytest.mark.parametrize("where", ["rcpt", "data"])
async def test_451_is_temporary(handler: Handler, plain_port: int, where: str) -> None:
    setattr(handler, f"{where}_reply", "451 4.3.0 Try again later")
    with pytest.raises(TemporaryNotifyError) as info:
        await notifier(plain_port).send(NOTE, MESSAGE)
    assert info.value.code == "451"
    assert info.value.retryable


async def test_connection_refused_is_temporary() -> None:
    with pytest.raises(TemporaryNotifyError):
        await notifier(free_port()).send(NOTE, MESSAGE)


@pytest.fixture
def auth_port(handler: Handler) -> Iterator[int]:
    controller, port = serve(
        handler, authenticator=_authenticator, auth_required=True, auth_require_tls=False
    )
    yield port
    controller.stop()


async def test_auth_with_the_right_password_sends(handler: Handler, auth_port: int) -> None:
    await notifier(auth_port, username="desk", password="S3cret!pw").send(NOTE, MESSAGE)
    assert len(handler.received) == 1


async def test_wrong_password_is_permanent(handler: Handler, auth_port: int) -> None:
    with pytest.raises(PermanentNotifyError) as info:
        await notifier(auth_port, username="desk", password="wrong").send(NOTE, MESSAGE)
    assert info.value.code == "535"
    assert handler.received == []


async def test_missing_auth_is_refused(handler: Handler, auth_port: int) -> None:
    with pytest.raises(PermanentNotifyError):
        await notifier(auth_port).send(NOTE, MESSAGE)
    assert handler.received == []


def self_signed(tmp: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    (tmp / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "c.pem", tmp / "k.pem")
    return context


async def test_starttls_upgrades_before_auth(handler: Handler, tmp_path: Path) -> None:
    controller, port = serve(
        handler,
        tls_context=self_signed(tmp_path),
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    try:
        sender = notifier(
            port, security="starttls", username="desk", password="S3cret!pw", validate_certs=False
        )
        await sender.send(NOTE, MESSAGE)
        assert len(handler.received) == 1
        # The same server refuses a client that will not upgrade.
        with pytest.raises(PermanentNotifyError):
            await notifier(port, security="none").send(NOTE, MESSAGE)
    finally:
        controller.stop()


async def test_tls_against_a_plain_server_is_temporary(plain_port: int) -> None:
    with pytest.raises(TemporaryNotifyError):
        await notifier(plain_port, security="tls", timeout=2.0).send(NOTE, MESSAGE)


def test_a_voicemail_links_the_console_or_says_where_it_is_kept() -> None:
    voicemail = dt_replace(MESSAGE, recording_url="file:///var/lib/sb/voicemails/vm.wav")
    config = SmtpConfig(host="127.0.0.1", port=25, sender="desk@acme.test", security="none")
    linked = SmtpEmailNotifier(config, company="Acme", timezone="UTC",
                               console_base_url="https://sb.example.com/")  # fmt: skip
    unlinked = SmtpEmailNotifier(config, company="Acme", timezone="UTC")
    with_link = linked.build(NOTE, voicemail).get_body(("plain",))
    without = unlinked.build(NOTE, voicemail).get_body(("plain",))
    assert with_link is not None
    assert without is not None
    assert "Recording: https://sb.example.com/messages/m1" in with_link.get_content()
    assert "switchboard messages show m1" in without.get_content()
    for part in (with_link, without):
        assert "file://" not in part.get_content()
