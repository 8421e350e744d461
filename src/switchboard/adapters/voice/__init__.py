"""Offline voice as livekit plugins: Whisper STT, piper/espeak-ng TTS, silero VAD ([voice] extra).

Importing this package needs only the base install; each heavy library is imported when first
used, and `require_voice()` names whatever is missing.
"""

from switchboard.adapters.voice.availability import (
    VoiceUnavailableError,
    missing_voice_parts,
    require_voice,
    voice_available,
)
from switchboard.adapters.voice.stt import OfflineSTT
from switchboard.adapters.voice.tts import OfflineTTS, default_engine, sentence_audio
from switchboard.adapters.voice.turn_stream import TurnTakingSTT, stt_turn_handling
from switchboard.adapters.voice.turns import TurnTiming
from switchboard.adapters.voice.vad import VadOptions, load_vad
from switchboard.adapters.voice.whisper import WhisperOptions

__all__ = [
    "OfflineSTT",
    "OfflineTTS",
    "TurnTakingSTT",
    "TurnTiming",
    "VadOptions",
    "VoiceUnavailableError",
    "WhisperOptions",
    "default_engine",
    "load_vad",
    "missing_voice_parts",
    "require_voice",
    "sentence_audio",
    "stt_turn_handling",
    "voice_available",
]
