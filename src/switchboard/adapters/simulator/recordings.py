"""Recording media served on loopback as Twilio serves it (`<RecordingUrl>.wav`), for the
simulator's voicemail scenarios (services/scenarios/voicemail.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

RECORDING_SID = "REsimulatedvoicemail0000000000000"


@asynccontextmanager
async def serving_recording(audio: bytes) -> AsyncIterator[str]:
    """Recording media on loopback at `<url>.wav` (Twilio's form); yields the RecordingUrl."""

    async def media(_: web.Request) -> web.Response:
        return web.Response(body=audio, content_type="audio/x-wav")

    app = web.Application()
    app.router.add_get(f"/Recordings/{RECORDING_SID}.wav", media)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server: Any = site._server  # aiohttp keeps the bound asyncio server here; no public accessor
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/Recordings/{RECORDING_SID}"
    finally:
        await runner.cleanup()
