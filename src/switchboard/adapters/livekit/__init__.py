"""The Telephony port on LiveKit: livekit-api for rooms and SIP legs, a MediaSession for audio."""

from switchboard.adapters.livekit.errors import BAD_CREDENTIALS, MOVE_NEEDS_CLOUD, dial_status
from switchboard.adapters.livekit.media import HoldPlayer, HoldTracks, MediaSession
from switchboard.adapters.livekit.reply_inbox import ReplyInbox
from switchboard.adapters.livekit.telephony import LiveKitTelephony

__all__ = [
    "BAD_CREDENTIALS",
    "MOVE_NEEDS_CLOUD",
    "HoldPlayer",
    "HoldTracks",
    "LiveKitTelephony",
    "MediaSession",
    "ReplyInbox",
    "dial_status",
]
