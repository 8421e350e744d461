"""`switchboard agent start|dev|check`: the LiveKit Agents worker that answers the phone."""

from __future__ import annotations

import asyncio

import typer

from switchboard.entrypoints.cli._runtime import (
    EXIT_ERROR,
    EXIT_USAGE,
    console,
    err_console,
    fail,
    plain,
    settings_or_exit,
)
from switchboard.settings import Settings, SettingsError

agent_app = typer.Typer(
    help="The agent worker that answers calls (LiveKit Agents).", no_args_is_help=True
)


def _checked() -> Settings:
    from switchboard.entrypoints.agent_worker import check_worker, worker_warnings

    settings = settings_or_exit()
    try:
        check_worker(settings)
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)
    for warning in worker_warnings(settings):
        err_console.print(f"[yellow]warning:[/] {plain(warning)}", highlight=False, soft_wrap=True)
    return settings


def _run(settings: Settings, *, devmode: bool) -> None:
    from switchboard.entrypoints.agent_worker import run_worker

    console.print(
        f"Agent worker [bold]{plain(settings.livekit_agent_name)}[/] connecting to {settings.livekit_url} "
        f"({'development' if devmode else 'production'} mode). Ctrl-C stops it"
        + ("." if devmode else " after active calls end."),
        highlight=False,
    )
    try:
        asyncio.run(run_worker(settings, devmode=devmode))
    except Exception as exc:  # the worker gave up: say why in one line
        fail(f"the agent worker stopped: {exc}", EXIT_ERROR)


@agent_app.command("start")
def start() -> None:
    """Run the worker in production mode: load threshold and idle processes from settings."""
    _run(_checked(), devmode=False)


@agent_app.command("dev")
def dev() -> None:
    """Run the worker in development mode (debug logs, no load shedding)."""
    settings = _checked()
    _run(settings.model_copy(update={"log_level": "DEBUG"}), devmode=True)


@agent_app.command("check")
def check() -> None:
    """Check that the worker can start: LiveKit credentials, brain and voice, database."""
    from switchboard.entrypoints.agent_worker import database_ready

    settings = _checked()
    if not asyncio.run(database_ready(settings)):
        fail("the database is not migrated: run `switchboard db upgrade`", EXIT_ERROR)
    explicit = "transfer_merge_strategy" in settings.model_fields_set
    merge_source = "TRANSFER_MERGE_STRATEGY" if explicit else "default for this LIVEKIT_URL"
    console.print(
        plain(
            "\n".join(
                (
                    f"LiveKit        {settings.livekit_url} (agent name {settings.livekit_agent_name!r})",
                    f"brain          {settings.switchboard_llm}",
                    f"voice          STT {settings.switchboard_stt}, TTS {settings.switchboard_tts}",
                    f"transfers      {settings.transfer_merge_strategy.value} ({merge_source}) via "
                    f"trunk {settings.livekit_outbound_trunk_id or '(none)'}",
                    f"load           threshold {settings.agent_load_threshold}, "
                    f"{settings.agent_idle_processes} idle process(es)",
                    "ready: `switchboard agent start`",
                )
            )
        ),
        highlight=False,
    )
