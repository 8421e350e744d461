"""A message's recording as an HTTP answer, for the message page's player and the API: the WAV
file from VOICEMAIL_DIR (with byte ranges, so the player can seek), or Twilio's fetched on the
server. Who may have it was decided before (the message page's rule); what may be read is decided
by `services.console.recordings` (404 `NoRecording`, 502 `RecordingFetchFailed`)."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import FileResponse, Response

from switchboard.services.console.recordings import LocalRecording, NoRecording
from switchboard.services.console.views import MessageRow

from .auth import console_of

MEDIA_TYPE = "audio/wav"


async def recording_response(request: Request, row: MessageRow, *, download: bool) -> Response:
    recordings = console_of(request).services.recordings
    message = row.stored.message
    if recordings is None:
        raise NoRecording("this console does not serve recordings")
    opened = await recordings.open(message)
    disposition = "attachment" if download else "inline"
    filename = f"voicemail-{re.sub(r'[^A-Za-z0-9_.-]', '_', message.id)}.wav"
    if isinstance(opened, LocalRecording):
        return FileResponse(
            opened.path,
            media_type=MEDIA_TYPE,
            filename=filename,
            content_disposition_type=disposition,
        )
    return Response(
        opened.audio,
        media_type=opened.content_type,
        headers={"content-disposition": f'{disposition}; filename="{filename}"'},
    )
