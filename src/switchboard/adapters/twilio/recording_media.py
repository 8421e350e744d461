"""Twilio's recording media for the console (services/console/recordings.py `RecordingFetcher`).

A recording's media is `<RecordingUrl>.wav` ("Appending .wav to the URI returns a binary WAV
audio file", https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file). An
account can require HTTP basic auth with the account SID and auth token for media ("HTTP Basic
Authentication for media access", the same page), so the credentials are always sent: only to a
Twilio host (the caller checks it), and aiohttp drops them if Twilio redirects elsewhere (it removes
Authorization on a cross-origin redirect). With TWILIO_API_BASE_URL set, the request goes to the
local fake as every other Twilio request does (`rewrite_twilio_url`).

Bounded: at most `max_bytes` (a larger answer is refused, by its Content-Length or while reading)
within `timeout` seconds for the whole fetch. Every failure is a RecordingFetchFailed whose message
says what happened, for the console's 502 page.
"""

from __future__ import annotations

import asyncio

import aiohttp

from switchboard.adapters.twilio.http import rewrite_twilio_url
from switchboard.logs import get_logger
from switchboard.services.console.recordings import (
    FETCH_SECONDS,
    MAX_RECORDING_BYTES,
    FetchedRecording,
    RecordingFetchFailed,
)

log = get_logger(__name__)

_REFUSED = {
    401: "Twilio refused the account's credentials (401): check TWILIO_ACCOUNT_SID and "
    "TWILIO_AUTH_TOKEN",
    403: "Twilio refused access to the recording (403)",
    404: "Twilio has no such recording (404): it may have been deleted",
}


class TwilioRecordingMedia:
    """Fetches recording media with the account's credentials; `auth` is (account SID, token)."""

    def __init__(
        self,
        auth: tuple[str, str] | None,
        *,
        api_base_url: str | None = None,
        timeout: float = FETCH_SECONDS,
        max_bytes: int = MAX_RECORDING_BYTES,
    ) -> None:
        self._headers = {"Authorization": aiohttp.encode_basic_auth(*auth)} if auth else {}
        self._base = api_base_url
        self._timeout = timeout
        self._max = max_bytes

    async def fetch(self, recording_url: str) -> FetchedRecording:
        url = recording_url if recording_url.endswith(".wav") else recording_url + ".wav"
        target = rewrite_twilio_url(url, self._base)
        try:
            async with asyncio.timeout(self._timeout):
                return await self._get(target)
        except RecordingFetchFailed as exc:
            log.warning("recording.fetch_failed", reason=str(exc))
            raise
        except TimeoutError:
            log.warning("recording.fetch_failed", reason="timeout", seconds=self._timeout)
            raise RecordingFetchFailed(
                f"Twilio did not send the recording within {self._timeout:g} s"
            ) from None
        except aiohttp.ClientError as exc:
            log.warning("recording.fetch_failed", reason=repr(exc))
            raise RecordingFetchFailed(f"Twilio could not be reached: {exc}") from None

    async def _get(self, target: str) -> FetchedRecording:
        async with (
            aiohttp.ClientSession() as session,
            session.get(target, headers=self._headers, max_redirects=3) as response,
        ):
            if response.status == 401 and not self._headers:
                raise RecordingFetchFailed(
                    "Twilio asks for the account's credentials (401), and TWILIO_ACCOUNT_SID / "
                    "TWILIO_AUTH_TOKEN are not set"
                )
            if response.status != 200:
                raise RecordingFetchFailed(
                    _REFUSED.get(response.status, f"Twilio answered {response.status}")
                )
            kind = response.content_type or ""
            # Twilio answers audio/x-wav; anything not audio is not what was asked for.
            if not kind.startswith("audio/"):
                raise RecordingFetchFailed(
                    f"Twilio answered {kind or 'no content type'}, not audio"
                )
            if response.content_length is not None and response.content_length > self._max:
                raise RecordingFetchFailed(self._too_large())
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > self._max:  # a missing or wrong Content-Length is no way round it
                    raise RecordingFetchFailed(self._too_large())
                chunks.append(chunk)
            audio = b"".join(chunks)
            return FetchedRecording(audio, "audio/wav")

    def _too_large(self) -> str:
        mib = 1024 * 1024
        limit = f"{self._max // mib} MB" if self._max >= mib else f"{self._max} bytes"
        return f"the recording is larger than {limit}: not fetched"
