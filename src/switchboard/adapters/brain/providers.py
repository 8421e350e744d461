"""Hosted brains and voices from "provider/model" settings, through the official livekit plugins.

Plugins are imported only when chosen, so the offline default needs none of them. Anything missing
fails at start-up with one `ProviderError` naming the extra to install or the variable to set.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from switchboard.domain.errors import SwitchboardError
from switchboard.settings import Settings

OFFLINE = "offline"
EXTRA = "providers"
OLLAMA_URL = "http://localhost:11434/v1"


class ProviderError(SwitchboardError):
    """A brain or voice that cannot be built; the message says what to install or set."""


@dataclass(frozen=True, slots=True)
class _Provider:
    plugin: str  # livekit.plugins.<plugin>
    key_var: str | None  # the API-key variable the plugin reads


_LLM = {
    "openai": _Provider("openai", "OPENAI_API_KEY"),
    "anthropic": _Provider("anthropic", "ANTHROPIC_API_KEY"),
    "groq": _Provider("groq", "GROQ_API_KEY"),
    "google": _Provider("google", "GOOGLE_API_KEY"),
    "ollama": _Provider("openai", None),  # OpenAI-compatible, local, no key
    "vllm": _Provider("openai", None),
}
_STT = {"deepgram": _Provider("deepgram", "DEEPGRAM_API_KEY"), "openai": _LLM["openai"]}
_TTS = {
    "cartesia": _Provider("cartesia", "CARTESIA_API_KEY"),
    "openai": _LLM["openai"],
    "elevenlabs": _Provider("elevenlabs", "ELEVEN_API_KEY"),
}


def is_offline(spec: str) -> bool:
    """True for the built-in offline brain/voice."""
    return spec.strip().lower() in {OFFLINE, ""}


def _split(variable: str, spec: str, known: Mapping[str, _Provider]) -> tuple[str, str]:
    provider, _, model = spec.strip().partition("/")
    provider = provider.lower()
    if provider not in known or not model:
        choices = ", ".join(f"{p}/<model>" for p in known)
        raise ProviderError(
            f"{variable}={spec!r} is not understood; use 'offline' or one of {choices}"
        )
    return provider, model


def _plugin(variable: str, spec: str, provider: _Provider) -> ModuleType:
    try:
        return importlib.import_module(f"livekit.plugins.{provider.plugin}")
    except ImportError:
        raise ProviderError(
            f"{variable}={spec!r} needs livekit-plugins-{provider.plugin}: "
            f"pip install 'switchboard[{EXTRA}]'"
        ) from None


def _require_key(variable: str, spec: str, provider: _Provider, env: Mapping[str, str]) -> None:
    if provider.key_var and not env.get(provider.key_var, "").strip():
        raise ProviderError(f"{variable}={spec!r} needs {provider.key_var} to be set")


def _build(
    variable: str, spec: str, known: Mapping[str, _Provider], cls: str, env: Mapping[str, str],
    **extra: Any,
) -> Any:  # fmt: skip
    name, model = _split(variable, spec, known)
    provider = known[name]
    module = _plugin(variable, spec, provider)
    _require_key(variable, spec, provider, env)
    return getattr(module, cls)(model=model, **extra)


def build_llm(settings: Settings, env: Mapping[str, str] | None = None) -> Any | None:
    """The hosted LLM named by SWITCHBOARD_LLM, or None for the offline brain (built per call,
    since it needs the call's company and caller)."""
    spec, env = settings.switchboard_llm, os.environ if env is None else env
    if is_offline(spec):
        return None
    name, model = _split("SWITCHBOARD_LLM", spec, _LLM)
    if name in {"ollama", "vllm"} or (name == "openai" and settings.llm_base_url):
        base_url = settings.llm_base_url or (OLLAMA_URL if name == "ollama" else None)
        if not base_url:
            raise ProviderError(
                f"SWITCHBOARD_LLM={spec!r} needs LLM_BASE_URL (the server's /v1 URL)"
            )
        module = _plugin("SWITCHBOARD_LLM", spec, _LLM[name])
        # Self-hosted OpenAI-compatible servers accept any key; the plugin insists on one.
        key = env.get("OPENAI_API_KEY") or "not-needed"
        return module.LLM(model=model, base_url=base_url, api_key=key)
    return _build("SWITCHBOARD_LLM", spec, _LLM, "LLM", env)


def build_stt(settings: Settings, env: Mapping[str, str] | None = None) -> Any | None:
    """The hosted STT named by SWITCHBOARD_STT, or None for offline speech (the [voice] extra)."""
    spec = settings.switchboard_stt
    if is_offline(spec):
        return None
    return _build("SWITCHBOARD_STT", spec, _STT, "STT", os.environ if env is None else env)


def build_tts(settings: Settings, env: Mapping[str, str] | None = None) -> Any | None:
    """The hosted TTS named by SWITCHBOARD_TTS, or None for offline speech (the [voice] extra)."""
    spec = settings.switchboard_tts
    if is_offline(spec):
        return None
    return _build("SWITCHBOARD_TTS", spec, _TTS, "TTS", os.environ if env is None else env)
