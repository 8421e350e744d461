"""Real calls: how the LiveKit Agents worker holds one call in its room and lets it go."""

from switchboard.services.live_call.hold import DRAIN_SECONDS, CallWatch, hold_call

__all__ = ["DRAIN_SECONDS", "CallWatch", "hold_call"]
