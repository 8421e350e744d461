"""Real calls: what the LiveKit Agents worker assembles for each call it answers."""

from switchboard.services.live_call.kit import CallKit, ResolverCache, end_reason, finish_call

__all__ = ["CallKit", "ResolverCache", "end_reason", "finish_call"]
