"""Brains and voices from settings: offline by default, one clear error for a missing plugin or key."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from switchboard.adapters.brain.providers import ProviderError, build_llm, build_stt, build_tts
from switchboard.settings import Settings


def settings(**values: Any) -> Settings:
    return Settings.model_validate(values)


class _Plugin:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


@pytest.fixture
def fake_plugin(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pretend `livekit.plugins.<name>` is installed, recording what it is built with."""

    def install(name: str) -> None:
        module = types.ModuleType(f"livekit.plugins.{name}")
        module.LLM = module.STT = module.TTS = _Plugin  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"livekit.plugins.{name}", module)

    return install


def test_offline_is_the_default_and_needs_nothing() -> None:
    s = settings()
    assert build_llm(s, env={}) is None
    assert build_stt(s, env={}) is None
    assert build_tts(s, env={}) is None


@pytest.mark.parametrize(
    ("field", "spec", "plugin"),
    [
        ("switchboard_llm", "anthropic/claude-3-5-haiku", "anthropic"),
        ("switchboard_llm", "groq/llama-3.1-8b-instant", "groq"),
        ("switchboard_stt", "deepgram/nova-3", "deepgram"),
        ("switchboard_tts", "cartesia/sonic-2", "cartesia"),
        ("switchboard_tts", "elevenlabs/eleven_turbo_v2_5", "elevenlabs"),
    ],
)
def test_missing_plugin_names_the_extra(
    field: str, spec: str, plugin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, f"livekit.plugins.{plugin}", None)  # import fails
    build = {
        "switchboard_llm": build_llm,
        "switchboard_stt": build_stt,
        "switchboard_tts": build_tts,
    }[field]
    with pytest.raises(ProviderError, match=rf"livekit-plugins-{plugin}.*switchboard\[providers\]"):
        build(settings(**{field: spec}), env={})


@pytest.mark.parametrize(
    ("spec", "plugin", "variable"),
    [
        ("openai/gpt-4o-mini", "openai", "OPENAI_API_KEY"),
        ("anthropic/claude-3-5-haiku", "anthropic", "ANTHROPIC_API_KEY"),
        ("groq/llama-3.1-8b-instant", "groq", "GROQ_API_KEY"),
        ("google/gemini-2.0-flash", "google", "GOOGLE_API_KEY"),
    ],
)
def test_missing_key_names_the_variable(
    spec: str, plugin: str, variable: str, fake_plugin: Any
) -> None:
    fake_plugin(plugin)
    with pytest.raises(ProviderError, match=rf"needs {variable} to be set"):
        build_llm(settings(switchboard_llm=spec), env={variable: "  "})


def test_voice_keys_are_checked_too(fake_plugin: Any) -> None:
    fake_plugin("deepgram")
    fake_plugin("elevenlabs")
    with pytest.raises(ProviderError, match="DEEPGRAM_API_KEY"):
        build_stt(settings(switchboard_stt="deepgram/nova-3"), env={})
    with pytest.raises(ProviderError, match="ELEVEN_API_KEY"):
        build_tts(settings(switchboard_tts="elevenlabs/turbo"), env={})


def test_hosted_llm_is_built_with_its_model(fake_plugin: Any) -> None:
    fake_plugin("openai")
    built = build_llm(
        settings(switchboard_llm="openai/gpt-4o-mini"), env={"OPENAI_API_KEY": "sk-x"}
    )
    assert isinstance(built, _Plugin)
    assert built.kwargs == {"model": "gpt-4o-mini"}


def test_ollama_uses_the_openai_compatible_plugin_without_a_key(fake_plugin: Any) -> None:
    fake_plugin("openai")
    built = build_llm(settings(switchboard_llm="ollama/llama3.2"), env={})
    assert isinstance(built, _Plugin)
    assert built.kwargs["api_key"]  # the plugin insists on one; a local server ignores it
    assert built.kwargs["base_url"] == "http://localhost:11434/v1"
    assert built.kwargs["model"] == "llama3.2"


def test_base_url_points_openai_at_a_self_hosted_server(fake_plugin: Any) -> None:
    fake_plugin("openai")
    s = settings(switchboard_llm="openai/qwen2.5", llm_base_url="http://gpu-box:8000/v1")
    built = build_llm(s, env={})
    assert isinstance(built, _Plugin)
    assert built.kwargs["base_url"] == "http://gpu-box:8000/v1"


def test_vllm_without_a_base_url_says_so(fake_plugin: Any) -> None:
    fake_plugin("openai")
    with pytest.raises(ProviderError, match="LLM_BASE_URL"):
        build_llm(settings(switchboard_llm="vllm/qwen2.5"), env={})


@pytest.mark.parametrize("spec", ["gpt-4o", "mystery/model", "openai/", "deepgram/nova-3"])
def test_unknown_llm_spec_is_one_clear_error(spec: str) -> None:
    with pytest.raises(ProviderError, match=r"SWITCHBOARD_LLM=.*not understood"):
        build_llm(settings(switchboard_llm=spec), env={})
