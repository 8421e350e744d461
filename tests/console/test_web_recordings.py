"""A message's voicemail recording in the console: the page's player and download link, the WAV
from VOICEMAIL_DIR (never a file outside it, whatever the stored link says), and Twilio's recording
fetched on the server with the account's credentials (502 when that fails). Who may play it is the
message page's rule (tests/console/test_web_roles.py)."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.twilio.recording_media import TwilioRecordingMedia
from switchboard.domain.notifications import NotificationStatus as S
from switchboard.services.console.recordings import ConsoleRecordings, RecordingFetchFailed
from tests.console.support import (
    ADMIN,
    EMPLOYEE,
    Console,
    add_message,
    build_console,
    client_for,
    log_in,
    write_wav,
)

pytestmark = pytest.mark.entrypoint

SID, TOKEN = "AC" + "1" * 32, "secret-token"
TWILIO_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Recordings/RE1"


@asynccontextmanager
async def admin(console: Console) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(console.app) as client:
        assert (await log_in(client, ADMIN)).status_code == 303
        yield client


async def with_recording(console: Console, url: str | None, message_id: str = "msg-vm") -> str:
    await add_message(console.storage, message_id, "priya-raman", minutes_ago=3, status=S.SENT,
                      text="Voicemail (9 s): call me about the order", recording_url=url)  # fmt: skip
    return message_id


def voicemails(console: Console) -> Path:
    assert console.voicemails is not None
    return console.voicemails


# --- the agent's own recordings, in VOICEMAIL_DIR ------------------------------------------------


async def test_the_message_page_plays_and_offers_the_recording(console: Console) -> None:
    wav = write_wav(voicemails(console) / "voicemail-CA1.wav")
    mid = await with_recording(console, wav.as_uri())
    async with admin(console) as client:
        page = await client.get(f"/messages/{mid}")
        audio = await client.get(f"/messages/{mid}/recording")
        download = await client.get(f"/messages/{mid}/recording?download=1")
    assert page.status_code == 200
    assert re.search(rf'<audio controls[^>]*src="/messages/{mid}/recording"', page.text)
    assert f'href="/messages/{mid}/recording?download=1" download' in page.text
    assert "call me about the order" in page.text  # the transcript, as before
    assert "file://" not in page.text  # where it is stored is not shown
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.content == wav.read_bytes()
    assert audio.headers["content-disposition"].startswith("inline;")
    assert audio.headers["cache-control"] == "no-store"  # personal data, as the pages
    assert download.headers["content-disposition"].startswith("attachment;")
    assert 'filename="voicemail-msg-vm.wav"' in download.headers["content-disposition"]


async def test_the_csp_lets_the_page_play_media_from_the_console_only(console: Console) -> None:
    mid = await with_recording(console, write_wav(voicemails(console) / "a.wav").as_uri())
    async with admin(console) as client:
        page = await client.get(f"/messages/{mid}")
    directives = dict(
        d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";")
    )
    assert directives["media-src"] == "'self'"
    assert directives["script-src"] == "'self'"


async def test_the_player_can_seek(console: Console) -> None:
    wav = write_wav(voicemails(console) / "a.wav")
    mid = await with_recording(console, wav.as_uri())
    async with admin(console) as client:
        part = await client.get(f"/messages/{mid}/recording", headers={"range": "bytes=44-99"})
    assert part.status_code == 206
    assert part.content == wav.read_bytes()[44:100]


async def test_a_recording_in_a_symlinked_voicemail_dir_still_plays(
    database_url: str, tmp_path: Path
) -> None:
    real = tmp_path / "disk" / "voicemails"
    real.mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    wav = write_wav(real / "voicemail-CA1.wav")
    storage = await open_storage(database_url)
    try:
        console = await build_console(storage, recordings=ConsoleRecordings(tmp_path / "link"))
        mid = await with_recording(console, (tmp_path / "link" / "voicemail-CA1.wav").as_uri())
        async with admin(console) as client:
            audio = await client.get(f"/messages/{mid}/recording")
    finally:
        await storage.dispose()
    assert audio.content == wav.read_bytes()


def _outside(console: Console) -> Path:
    secret = voicemails(console).parent / "secret.wav"
    write_wav(secret)
    return secret


# Every stored link that does not name a WAV file really inside VOICEMAIL_DIR.
TRAVERSALS: dict[str, Callable[[Console], str]] = {
    "dot-dot": lambda c: (voicemails(c) / ".." / _outside(c).name).as_uri(),
    "dot-dot encoded": lambda c: voicemails(c).as_uri() + "/%2e%2e/" + _outside(c).name,
    "absolute elsewhere": lambda c: _outside(c).as_uri(),
    "system file": lambda c: "file:///etc/passwd",
    "bare path": lambda c: str(_outside(c)),
    "another host": lambda c: "file://files.example" + str(voicemails(c) / "x.wav"),
    "not a wav": lambda c: _text_file(voicemails(c) / "notes.txt").as_uri(),
    "the folder itself": lambda c: voicemails(c).as_uri(),
    "http elsewhere": lambda c: "https://files.example/voicemail.wav",
    "a NUL byte": lambda c: voicemails(c).as_uri() + "/a%00.wav",
    "a symlink loop": lambda c: _loop(voicemails(c) / "loop.wav").as_uri(),
}


def _loop(path: Path) -> Path:
    path.symlink_to(path)
    return path


def _text_file(path: Path) -> Path:
    path.write_text("not audio")
    return path


@pytest.mark.parametrize("name", sorted(TRAVERSALS))
async def test_a_link_outside_the_voicemail_dir_is_never_read(console: Console, name: str) -> None:
    mid = await with_recording(console, TRAVERSALS[name](console))
    async with admin(console) as client:
        page = await client.get(f"/messages/{mid}/recording")
        api = await client.get(
            f"/api/v1/messages/{mid}/recording",
            headers={"authorization": f"Bearer {await console.accounts.create_token(ADMIN, 't')}"},
        )
    assert page.status_code == 404, name
    assert api.status_code == 404, name
    assert page.headers["content-type"].startswith("text/html")
    assert b"RIFF" not in page.content
    assert b"root:" not in page.content
    assert "detail" in api.json()


async def test_a_symlink_out_of_the_voicemail_dir_is_refused(console: Console) -> None:
    link = voicemails(console) / "voicemail-CA9.wav"
    link.symlink_to(_outside(console))
    mid = await with_recording(console, link.as_uri())
    async with admin(console) as client:
        response = await client.get(f"/messages/{mid}/recording")
    assert response.status_code == 404
    assert "outside VOICEMAIL_DIR" in response.text
    assert b"RIFF" not in response.content


async def test_a_missing_file_is_a_404_that_says_why(console: Console) -> None:
    mid = await with_recording(console, (voicemails(console) / "voicemail-gone.wav").as_uri())
    async with admin(console) as client:
        page = await client.get(f"/messages/{mid}")
        response = await client.get(f"/messages/{mid}/recording")
    assert page.status_code == 200  # the message itself is still there, with its transcript
    assert response.status_code == 404
    assert "not on this server" in response.text
    assert "VOICEMAIL_DIR" in response.text


async def test_a_message_without_a_recording_has_no_player(console: Console) -> None:
    mid = await with_recording(console, None)
    async with admin(console) as client:
        page = await client.get(f"/messages/{mid}")
        response = await client.get(f"/messages/{mid}/recording")
    assert "<audio" not in page.text
    assert response.status_code == 404
    assert "has no recording" in response.text


async def test_an_unknown_message_is_a_404(console: Console) -> None:
    async with admin(console) as client:
        response = await client.get("/messages/nope/recording")
    assert response.status_code == 404


async def test_an_employee_plays_their_own_and_is_refused_anothers(console: Console) -> None:
    wav = write_wav(voicemails(console) / "a.wav")
    await with_recording(console, wav.as_uri(), "msg-mine")
    await add_message(console.storage, "msg-theirs", "marcus-bell", minutes_ago=2, status=S.SENT,
                      recording_url=wav.as_uri())  # fmt: skip
    async with client_for(console.app) as client:
        await log_in(client, EMPLOYEE)
        mine = await client.get("/messages/msg-mine/recording")
        theirs = await client.get("/messages/msg-theirs/recording")
    async with client_for(console.app) as anonymous:
        nobody = await anonymous.get("/messages/msg-mine/recording")
        api = await anonymous.get("/api/v1/messages/msg-mine/recording")
    assert mine.status_code == 200
    assert theirs.status_code == 403
    assert b"RIFF" not in theirs.content
    assert nobody.status_code == 303
    assert nobody.headers["location"].startswith("/login?next=/messages/msg-mine/recording")
    assert api.status_code == 401


# --- Twilio's recordings, fetched on the server ----------------------------------------------------


@dataclass
class TwilioMedia:
    """Twilio's recording media endpoint, as much of it as the console relies on:

    - `<RecordingUrl>.wav` answers the recording as WAV, content type audio/x-wav
      (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file);
    - an account with "HTTP Basic Authentication for media access" answers 401 without the account
      SID and auth token (same page; the exact body is not documented there and not relied on);
    - an unknown or deleted recording is a 404 (Twilio's REST 404, error 20404:
      https://www.twilio.com/docs/errors/20404).
    The failures below (500, a stall, an oversized or non-audio answer) are faults, not Twilio's
    documented behaviour."""

    audio: bytes
    fault: str = ""
    requests: list[str] = field(default_factory=list)
    auth_seen: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        self.auth_seen.append(request.headers.get("Authorization", ""))
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.json_response({"code": 20003, "status": 401}, status=401)
        if request.match_info["sid"] == "REgone":
            return web.json_response({"code": 20404, "status": 404}, status=404)
        if self.fault == "stall":
            await self.release.wait()
        if self.fault == "500":
            return web.json_response({"status": 500}, status=500)
        if self.fault == "html":
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        if self.fault == "chunked-huge":  # no Content-Length: only counting the bytes tells
            response = web.StreamResponse(headers={"Content-Type": "audio/x-wav"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(8):
                await response.write(b"\0" * 1024)
            await response.write_eof()
            return response
        return web.Response(body=self.audio, content_type="audio/x-wav")


@dataclass
class TwilioWorld:
    console: Console
    media: TwilioMedia
    base: str  # TWILIO_API_BASE_URL: where https://api.twilio.com/… goes


@pytest.fixture
async def twilio(database_url: str, tmp_path: Path) -> AsyncIterator[TwilioWorld]:
    audio = write_wav(tmp_path / "twilio.wav", seconds=0.1).read_bytes()  # within max_bytes
    media = TwilioMedia(audio)
    app = web.Application()
    app.router.add_get(f"/api/2010-04-01/Accounts/{SID}/Recordings/{{sid}}.wav", media.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    fetcher = TwilioRecordingMedia((SID, TOKEN), api_base_url=base, timeout=0.5, max_bytes=4096)
    storage = await open_storage(database_url)
    (tmp_path / "voicemails").mkdir()
    try:
        recordings = ConsoleRecordings(tmp_path / "voicemails", fetcher)
        yield TwilioWorld(await build_console(storage, recordings=recordings), media, base)
    finally:
        media.release.set()
        await storage.dispose()
        await runner.cleanup()


async def test_twilios_recording_is_fetched_with_the_accounts_credentials(
    twilio: TwilioWorld,
) -> None:
    mid = await with_recording(twilio.console, TWILIO_URL)
    async with admin(twilio.console) as client:
        page = await client.get(f"/messages/{mid}")
        audio = await client.get(f"/messages/{mid}/recording")
    assert twilio.media.requests == [f"/api/2010-04-01/Accounts/{SID}/Recordings/RE1.wav"]
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.content == twilio.media.audio
    assert 'preload="none"' in page.text  # Twilio is asked only when the recording is played
    assert TWILIO_URL not in page.text


FAILURES = {
    "500": "Twilio answered 500",
    "stall": "did not send the recording within 0.5 s",
    "html": "not audio",
    "chunked-huge": "larger than",
}


@pytest.mark.parametrize("fault", sorted(FAILURES))
async def test_a_failed_fetch_is_a_502_that_says_why(twilio: TwilioWorld, fault: str) -> None:
    twilio.media.fault = fault
    mid = await with_recording(twilio.console, TWILIO_URL)
    token = await twilio.console.accounts.create_token(ADMIN, "t")
    async with admin(twilio.console) as client:
        page = await client.get(f"/messages/{mid}/recording")
        api = await client.get(
            f"/api/v1/messages/{mid}/recording", headers={"authorization": f"Bearer {token}"}
        )
    assert page.status_code == 502
    assert "Recording unavailable" in page.text
    assert FAILURES[fault] in page.text
    assert api.status_code == 502
    assert FAILURES[fault] in api.json()["detail"]


async def test_a_deleted_recording_and_refused_credentials_are_told_apart(
    twilio: TwilioWorld,
) -> None:
    gone = await with_recording(twilio.console, TWILIO_URL.replace("RE1", "REgone"))
    async with admin(twilio.console) as client:
        response = await client.get(f"/messages/{gone}/recording")
    assert response.status_code == 502
    assert "Twilio has no such recording (404)" in response.text
    wrong = TwilioRecordingMedia((SID, "not-the-token"), api_base_url=twilio.base)
    with pytest.raises(RecordingFetchFailed, match="refused the account's credentials"):
        await wrong.fetch(TWILIO_URL)
    anonymous = TwilioRecordingMedia(None, api_base_url=twilio.base)
    with pytest.raises(RecordingFetchFailed, match="TWILIO_AUTH_TOKEN are not set"):
        await anonymous.fetch(TWILIO_URL)
    assert twilio.media.auth_seen[-1] == ""  # no credentials configured: none sent


async def test_the_credentials_go_to_twilio_only(twilio: TwilioWorld) -> None:
    """A stored link on another host (a forged callback, with signatures off) is not fetched: the
    account's credentials would go with it."""
    elsewhere = ["https://api.twilio.com.evil.example/Recordings/RE1",
                 "http://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                 "https://evil.example/?u=https://api.twilio.com/x"]  # fmt: skip
    for n, url in enumerate(elsewhere):
        mid = await with_recording(twilio.console, url, f"msg-{n}")
        async with admin(twilio.console) as client:
            response = await client.get(f"/messages/{mid}/recording")
        assert response.status_code == 404, url
        assert "does not fetch" in response.text
    assert twilio.media.requests == []


async def test_without_twilio_configured_a_twilio_recording_is_a_502(console: Console) -> None:
    mid = await with_recording(console, TWILIO_URL)
    async with admin(console) as client:
        response = await client.get(f"/messages/{mid}/recording")
    assert response.status_code == 502
    assert "Twilio is not configured" in response.text
