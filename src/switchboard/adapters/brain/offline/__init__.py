"""The offline brain: rules, slots and the resolver behind livekit's `llm.LLM` interface."""

from switchboard.adapters.brain.offline.brain import OfflineBrain

__all__ = ["OfflineBrain"]
