"""Fixtures the adapter tests share: the LiveKit telephony contract's fake server (both server
versions), its API client, trunk, media and adapter (livekit_telephony_fixtures.py). A test module
that defines a fixture of the same name uses its own."""

from tests.adapters.livekit_telephony_fixtures import lk, media, server, tel, trunk_id

__all__ = ["lk", "media", "server", "tel", "trunk_id"]
