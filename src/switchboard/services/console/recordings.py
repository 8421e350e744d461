"""A message's voicemail recording, for the console to play (docs/console.md, "Recordings").

A message's `recording_url` is where the recording is kept, and is one of:

    file:///…/voicemail-<call>.wav    the agent's own recording, in VOICEMAIL_DIR on this machine
    https://api.twilio.com/…/RE…      Twilio's, from the fallback path's <Record>; its media needs
                                      the account's credentials, so it is fetched here, server-side

A local file is served only when its real path (every symlink resolved) lies inside VOICEMAIL_DIR:
a stored link that points anywhere else (`..`, another absolute path, a symlink out of the folder)
is "no such recording", never read. Twilio's recording is fetched only from a Twilio host
(`*.twilio.com` over https), so the account's credentials are never sent anywhere else. Who may
play a message's recording is decided by `ConsoleViews.message` (the message page's rule).
"""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from switchboard.domain.errors import NotFound, SwitchboardError
from switchboard.domain.messages import Message

MAX_RECORDING_BYTES = 20 * 1024 * 1024  # Twilio's, fetched into memory: ~20 min of 8 kHz WAV
FETCH_SECONDS = 15.0  # the whole fetch from Twilio, connection to last byte


class NoRecording(NotFound, LookupError):
    """The message has no recording this server can play (a 404): none, a file that is missing or
    outside VOICEMAIL_DIR, or a link that is neither a local file nor Twilio's."""


class RecordingFetchFailed(SwitchboardError, RuntimeError):
    """Twilio's recording could not be fetched (a 502): refused, missing, too large, too slow."""


@dataclass(frozen=True, slots=True)
class LocalRecording:
    path: Path  # resolved, inside VOICEMAIL_DIR
    size: int


@dataclass(frozen=True, slots=True)
class FetchedRecording:
    audio: bytes
    content_type: str


class RecordingFetcher(Protocol):
    async def fetch(self, recording_url: str) -> FetchedRecording:
        """Twilio's recording media (`<RecordingUrl>.wav`) with the account's credentials, at most
        MAX_RECORDING_BYTES within FETCH_SECONDS; raises RecordingFetchFailed."""
        ...


def is_twilio_url(url: str) -> bool:
    """An https URL on a Twilio host (api.twilio.com, or a regional api.<edge>.<region>.twilio.com)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and (host == "twilio.com" or host.endswith(".twilio.com"))


def recording_kind(url: str | None) -> str | None:
    """ "local" (a file:// link), "twilio", "other" (a link the console does not play), or None."""
    if not url:
        return None
    if urlsplit(url).scheme == "file":
        return "local"
    return "twilio" if is_twilio_url(url) else "other"


class ConsoleRecordings:
    """Opens a message's recording: a file in `voicemail_dir`, or Twilio's through `fetcher`
    (None when Twilio is not configured: such a recording is then a fetch failure)."""

    def __init__(self, voicemail_dir: Path, fetcher: RecordingFetcher | None = None) -> None:
        self._dir = voicemail_dir
        self._fetcher = fetcher

    @property
    def voicemail_dir(self) -> Path:
        return self._dir

    async def open(self, message: Message) -> LocalRecording | FetchedRecording:
        url = message.recording_url
        kind = recording_kind(url)
        if url is None or kind is None:
            raise NoRecording(f"message {message.id} has no recording")
        if kind == "local":
            # resolve() and stat() touch the disk: off the event loop.
            return await asyncio.to_thread(self._local, message.id, url)
        if kind == "twilio":
            if self._fetcher is None:
                raise RecordingFetchFailed(
                    "the recording is kept at Twilio, and Twilio is not configured here "
                    "(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)"
                )
            return await self._fetcher.fetch(url)
        raise NoRecording(
            f"message {message.id}'s recording is kept at an address the console does not fetch "
            "from (only VOICEMAIL_DIR and Twilio): see `switchboard messages show "
            f"{message.id}`"
        )

    def _local(self, message_id: str, url: str) -> LocalRecording:
        missing = NoRecording(
            f"message {message_id}'s recording is not on this server: the file is missing from "
            "VOICEMAIL_DIR (removed by retention, or written on another machine's disk)"
        )
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            raise missing
        path = Path(unquote(parts.path))  # Path.as_uri() percent-encodes the path
        if not path.is_absolute() or path.suffix.lower() != ".wav":
            raise missing
        try:
            root = self._dir.resolve(strict=True)
            real = path.resolve(strict=True)  # every symlink followed, `..` gone
        except (OSError, RuntimeError, ValueError):  # missing, unreadable, a loop, a NUL byte
            raise missing from None
        if not real.is_relative_to(root) or real == root:
            raise NoRecording(
                f"message {message_id}'s recording is outside VOICEMAIL_DIR: it is not served"
            )
        try:
            # O_NOFOLLOW: the checked path must not have become a symlink since it was resolved.
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                info = os.fstat(fd)
            finally:
                os.close(fd)
        except OSError:
            raise missing from None
        if not stat.S_ISREG(info.st_mode):
            raise missing
        return LocalRecording(real, info.st_size)
