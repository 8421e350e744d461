"""The LiveKit Agents worker (`switchboard agent start|dev`): answers every call LiveKit SIP puts
in a room and dispatches to the agent named `LIVEKIT_AGENT_NAME` (explicit dispatch only).

Once, before the worker registers (`run_worker`): the database migrations. Per process (`prewarm`,
run once in each idle job process before a call arrives): settings, the silero VAD and Whisper's
model for the offline voice (`warm_voice`), the directory's resolver (read only: a database behind
or an empty directory is logged, never fatal), then `gc.freeze()` so what was loaded is shared
copy-on-write instead of being touched by every collection. Per call (`entrypoint`): the caller's
SIP attributes become the `CallContext`; `bootstrap` gives the call factory that `switchboard call`
and `switchboard simulate` use too, and the same `SwitchboardAgent` runs with LiveKit telephony and
media instead of the simulator. The room is never deleted when the agent leaves
(`delete_room_on_close=False`): after a merge the caller and the employee go on talking without us.

Turn taking: with the offline STT both legs (the caller's session and the employee's consultation
session) hear through `TurnTakingSTT`, which ends a turn a short pause after a sentence that reads
as finished and waits through "I'd like to speak to… um…"; the session takes the end of turn from
it (`turn_stream.stt_turn_handling`). `switchboard call --voice` and `benchmarks/voice.py` use the
same turn taker. A hosted STT keeps livekit-agents' own turn detection. The offline TTS speaks a
reply's short opener ("Sure,") on its own while the rest is synthesised (`reply_speech`).

Metrics: each job process counts its call into Prometheus (`adapters.prometheus`: outcome,
transfers, turn latency, call quality, memory) and the worker serves every process's numbers at
`GET /metrics` on `AGENT_HTTP_PORT`, beside the health check (`entrypoints.agent_metrics`). The
caller's audio quality is sampled from the room's RTC stats while the call lasts and kept in the
call record.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import gc
import signal
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from livekit import api, rtc
from livekit.agents import AgentServer, AgentSession, JobContext, JobProcess, WorkerOptions
from livekit.agents.voice import room_io

from switchboard.adapters.brain.providers import build_llm, build_stt, build_tts, is_offline
from switchboard.adapters.livekit import LiveKitTelephony
from switchboard.adapters.livekit.answer_screen import answer_screen
from switchboard.adapters.livekit.call_quality import CallQualitySampler
from switchboard.adapters.livekit.room_media import LiveKitMedia
from switchboard.adapters.livekit.sip_attributes import call_from_sip
from switchboard.adapters.livekit.trunks import managed_outbound_trunk
from switchboard.adapters.livekit.turn_metrics import observe_turns
from switchboard.adapters.prometheus import job_process_metrics
from switchboard.adapters.sqlalchemy import is_up_to_date, open_storage
from switchboard.adapters.voice.turns import TurnTiming
from switchboard.adapters.voice.vad import VadOptions
from switchboard.bootstrap import Application, bootstrap, calendar_cache
from switchboard.domain.call_quality import CallQuality
from switchboard.domain.calls import CallContext, CallOutcome
from switchboard.domain.transfer.events import MergeStrategy
from switchboard.entrypoints.agent_metrics import (
    MetricsAgentServer,
    metrics_directory,
    process_memory,
)
from switchboard.logs import bind_call, configure_logging, get_logger
from switchboard.ports.clock import SystemClock
from switchboard.ports.metrics import CallMetrics
from switchboard.services.calendars import CalendarEntry
from switchboard.services.calls import CallParts, ResolverCache
from switchboard.services.directory import load_directory
from switchboard.services.live_call import hold_call
from switchboard.services.receptionist.agent import SwitchboardAgent
from switchboard.settings import Settings, SettingsError, is_livekit_cloud, load_settings

log = get_logger(__name__)

_SETTINGS, _VAD, _RESOLVERS, _TRUNK = "settings", "vad", "resolvers", "outbound_trunk"
_CALENDARS = "calendars"  # (busy times per employee, when fetched) from prewarm
_VOICEMAIL_STT = "voicemail_stt"  # the after-hours voicemail transcriber, made at the first call
_WHISPER = "whisper"  # the offline STT's model, loaded in prewarm
_PREWARM_TIMEOUT_S = 60.0


# --- what the worker needs, checked before it starts --------------------------------------------------
def livekit_credentials(settings: Settings) -> tuple[str, str, str]:
    """(url, key, secret), or SettingsError naming every missing variable."""
    url, key = settings.livekit_url, settings.livekit_api_key
    secret = settings.livekit_api_secret.get_secret_value() if settings.livekit_api_secret else ""
    if not (url and key and secret):
        names = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
        missing = [n for n, v in zip(names, (url, key, secret), strict=True) if not v]
        raise SettingsError(f"{', '.join(missing)}: required to run the agent worker")
    return url, key, secret


def uses_offline_voice(settings: Settings) -> bool:
    return is_offline(settings.switchboard_stt) or is_offline(settings.switchboard_tts)


def worker_warnings(settings: Settings) -> list[str]:
    """Things that work but not as well as they could; `agent check` prints them."""
    warnings = []
    if not settings.livekit_outbound_trunk_id:
        warnings.append(
            "LIVEKIT_OUTBOUND_TRUNK_ID is not set: each call uses the outbound trunk that "
            "`switchboard setup apply` created; without one, transfers cannot dial out and "
            "callers are offered a message instead"
        )
    return warnings


def check_worker(settings: Settings) -> None:
    """Raise SettingsError (one line naming the variable) when the worker cannot start."""
    livekit_credentials(settings)
    if settings.transfer_merge_strategy is MergeStrategy.MOVE and not is_livekit_cloud(
        settings.livekit_url
    ):
        # Open-source livekit-server has no MoveParticipant: every transfer would fail at the end.
        raise SettingsError(
            "TRANSFER_MERGE_STRATEGY=move needs LiveKit Cloud (*.livekit.cloud), but LIVEKIT_URL "
            "is a self-hosted LiveKit: set TRANSFER_MERGE_STRATEGY=refer"
        )
    from switchboard.adapters.brain.providers import ProviderError

    try:
        build_llm(settings)
        build_stt(settings)
        build_tts(settings)
    except ProviderError as exc:
        raise SettingsError(str(exc)) from None
    if uses_offline_voice(settings):
        from switchboard.adapters.voice.availability import VoiceUnavailableError, require_voice

        try:
            require_voice()
        except VoiceUnavailableError as exc:
            raise SettingsError(
                f"SWITCHBOARD_STT/SWITCHBOARD_TTS=offline: {exc} (or choose hosted providers)"
            ) from None


async def database_ready(settings: Settings) -> bool:
    storage = await open_storage(settings.effective_database_url, migrate=False)
    try:
        return await is_up_to_date(storage.engine)
    finally:
        await storage.dispose()


async def migrate_database(settings: Settings) -> None:
    """Bring the database to the latest schema (a no-op when it is there already)."""
    storage = await open_storage(settings.effective_database_url, migrate=True)
    await storage.dispose()


def worker_options(
    settings: Settings, *, max_retry: int = 16, metrics_dir: str | None = None
) -> WorkerOptions:
    """`metrics_dir`: where job processes write their Prometheus metrics (multiprocess mode)."""
    url, key, secret = livekit_credentials(settings)
    return WorkerOptions(
        max_retry=max_retry,
        entrypoint_fnc=entrypoint,
        prewarm_fnc=prewarm,
        # Prewarm loads the directory and builds its resolver: seconds at 100,000 people on a busy
        # machine, past LiveKit Agents' 10 s default for a process to initialise (installed
        # livekit/agents/worker.py:216), after which the process would be killed and replaced.
        initialize_process_timeout=_PREWARM_TIMEOUT_S,
        agent_name=settings.livekit_agent_name,
        load_threshold=settings.agent_load_threshold,
        num_idle_processes=settings.agent_idle_processes,
        port=settings.agent_http_port,
        prometheus_multiproc_dir=metrics_dir,
        ws_url=url,
        api_key=key,
        api_secret=secret,
    )


# --- once per job process ------------------------------------------------------------------------------
def prewarm(proc: JobProcess) -> None:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    proc.userdata[_SETTINGS] = settings
    proc.userdata[_RESOLVERS] = asyncio.run(warm_resolvers(settings))
    proc.userdata[_CALENDARS] = asyncio.run(warm_calendars(settings))
    proc.userdata.update(warm_voice(settings))
    job_process_metrics().job_memory(process_memory())  # an idle process shows its series at 0
    gc.freeze()  # long-lived objects stay out of every later collection (and copy-on-write pages)


async def warm_resolvers(settings: Settings) -> ResolverCache:
    """The directory's resolver, built before a call arrives. Never migrates (`run_worker` did,
    once, before any job process started) and never fails the process: a database that is
    unreachable or behind, or an empty directory, is logged, and each call loads what it needs."""
    cache = ResolverCache()
    try:
        storage = await open_storage(settings.effective_database_url, migrate=False)
    except Exception as exc:  # the first call reports it properly
        log.warning("prewarm.database_unavailable", error=str(exc))
        return cache
    try:
        if not await is_up_to_date(storage.engine):
            log.warning("prewarm.database_behind: run `switchboard db upgrade`")
            return cache
        loaded = await cache.current(storage.reading_unit_of_work)  # stamped with its revision
        if not loaded.directory.employees:
            log.warning("prewarm.directory_empty: import one with `switchboard directory import`")
    except Exception as exc:
        log.warning("prewarm.failed", error=str(exc))
    finally:
        await storage.dispose()
    return cache


async def warm_calendars(settings: Settings) -> tuple[dict[str, CalendarEntry], datetime | None]:
    """Employees' busy times, fetched before a call arrives (each fetch bounded by
    CALENDAR_FETCH_TIMEOUT); never fails the process. The call then reads them without waiting
    and refreshes them in the background once they are older than CALENDAR_REFRESH_SECONDS."""
    cache = calendar_cache(settings, SystemClock())
    if cache is None:
        return {}, None
    try:
        storage = await open_storage(settings.effective_database_url, migrate=False)
        try:
            directory = await load_directory(storage.unit_of_work)
        finally:
            await storage.dispose()
        await cache.refresh(directory)
    except Exception as exc:  # the call goes on without calendars
        log.warning("prewarm.calendars_failed", error=str(exc))
    finally:
        await cache.aclose()
    return cache.entries, cache.refreshed_at


# --- once per call --------------------------------------------------------------------------------------
def warm_voice(settings: Settings) -> dict[str, Any]:
    """What the offline voice loads once per job process, before a call arrives: the silero VAD
    (with the turn taker's window when the STT is offline, see `vad_options`) and, for the offline
    STT, Whisper's model, which each call's first turn would otherwise wait for. A model that does
    not load is logged; the call then loads it itself (and reports what is missing)."""
    warm: dict[str, Any] = {}
    if not uses_offline_voice(settings):
        return warm
    from switchboard.adapters.voice.vad import load_vad

    warm[_VAD] = load_vad(vad_options(settings))
    if is_offline(settings.switchboard_stt):
        from switchboard.adapters.voice.whisper import WhisperOptions, load_whisper

        try:
            warm[_WHISPER] = load_whisper(WhisperOptions())
        except Exception as exc:
            log.warning("prewarm.whisper_failed", error=str(exc))
    return warm


def vad_options(settings: Settings) -> VadOptions:
    """The VAD's options: with the offline STT its silence window is the turn taker's longest
    wait (`TurnTiming.spelling_silence`, while a caller spells a name), a backstop that never ends
    a turn the turn taker still waits on (`TurnTakingSTT`); with a hosted STT, the phone-call
    defaults as before."""
    if is_offline(settings.switchboard_stt):
        return VadOptions(min_silence_duration=TurnTiming().spelling_silence)
    return VadOptions()


def _speech(settings: Settings, vad: Any, hints: list[str], whisper: Any = None) -> dict[str, Any]:
    """`AgentSession` keyword arguments for the caller's and the employee's legs.

    With the offline STT, the session hears through `TurnTakingSTT` (the turn taker
    `benchmarks/voice.py` measures) and takes the end of turn from it (`stt_turn_handling`);
    a hosted STT keeps livekit-agents' own turn detection. The offline TTS speaks a reply's
    opener on its own, then sentence by sentence (`reply_speech.reply_tts`), as `voice.py`'s
    replies are spoken; a hosted TTS is the session's to drive."""
    if vad is None:
        from switchboard.adapters.voice.vad import load_vad

        vad = load_vad(vad_options(settings))
    speech: dict[str, Any] = {"vad": vad}
    stt = build_stt(settings)
    if stt is None:
        from switchboard.adapters.voice.stt import OfflineSTT
        from switchboard.adapters.voice.turn_stream import TurnTakingSTT, stt_turn_handling
        from switchboard.adapters.voice.whisper import WhisperOptions

        offline = OfflineSTT(hints=hints, options=WhisperOptions(), model=whisper)
        stt = TurnTakingSTT(stt=offline, vad=vad, timing=TurnTiming())
        speech["turn_handling"] = stt_turn_handling()
    speech["stt"] = stt
    tts = build_tts(settings)
    if tts is None:
        from switchboard.adapters.voice.reply_speech import reply_tts
        from switchboard.adapters.voice.tts import OfflineTTS

        tts = reply_tts(OfflineTTS())  # "Sure," is heard while the rest is synthesised
    speech["tts"] = tts
    return speech


def sessions(
    brain: Any, speech: dict[str, Any]
) -> tuple[AgentSession[Any], Callable[[], AgentSession[Any]]]:
    """The caller's session and a maker of the employee's consultation sessions (speech only, no
    brain): the same ears and voice on both legs, so the employee's "yes, put them through" ends
    its turn as soon as the caller's would. Each session gets its own copy of the turn handling:
    livekit-agents 1.8.9 keeps the endpointing dict it is given and writes into it on
    `update_options` (voice/agent_session.py:579-608, :1508-1520)."""

    def own(**extra: Any) -> AgentSession[Any]:
        kwargs = dict(speech)
        if "turn_handling" in kwargs:
            kwargs["turn_handling"] = copy.deepcopy(kwargs["turn_handling"])
        return AgentSession(**extra, **kwargs)

    return own(llm=brain), own


async def entrypoint(ctx: JobContext) -> None:
    prewarmed: Settings | None = ctx.proc.userdata.get(_SETTINGS)
    settings = prewarmed or load_settings()
    url, key, secret = livekit_credentials(settings)
    await ctx.connect()
    participant = await ctx.wait_for_participant(kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP)
    call = call_from_sip(
        ctx.room.name,
        participant.identity,
        dict(participant.attributes),
        fallback_id=ctx.job.id,
        region=settings.default_region,
    )
    calendars = calendar_cache(settings, SystemClock())
    if calendars is not None and _CALENDARS in ctx.proc.userdata:
        calendars.seed(*ctx.proc.userdata[_CALENDARS])
    app = await bootstrap(
        settings,
        configure_logs=prewarmed is None,
        migrate=False,  # done once, before the worker started
        brain=build_llm(settings),
        resolvers=ctx.proc.userdata.get(_RESOLVERS),
        calendars=calendars,
    )
    lk = api.LiveKitAPI(url, key, secret)
    try:
        with bind_call(call.call_id):
            trunk = settings.livekit_outbound_trunk_id or ctx.proc.userdata.get(_TRUNK)
            if not trunk:
                trunk = ctx.proc.userdata[_TRUNK] = await managed_outbound_trunk(lk) or ""
                if not trunk:
                    log.warning("no outbound trunk: transfers will fail and offer a message")
            await answer(ctx, call, app, lk, (url, key, secret), trunk)
    finally:
        await lk.aclose()
        await app.close()
        if calendars is not None:
            await calendars.aclose()  # a background refresh still running ends with the call
        ctx.shutdown("call handled")


async def answer(
    ctx: JobContext,
    call: CallContext,
    app: Application,
    lk: api.LiveKitAPI,
    credentials: tuple[str, str, str],
    outbound_trunk_id: str,
) -> CallOutcome:
    """Hold the call until it is transferred, ended by the agent, or the caller hangs up. The
    call's parts come from the application's call factory, the same one `switchboard call` and
    `switchboard simulate` use; only the phone line (LiveKit) and the audio differ here."""
    metrics = job_process_metrics()
    parts = await app.calls.begin(call, metrics=metrics)  # the call record is saved first
    speech = _speech(
        app.settings,
        ctx.proc.userdata.get(_VAD),
        parts.resolver.recognition_hints(),
        ctx.proc.userdata.get(_WHISPER),
    )
    session, consult_session = sessions(parts.brain, speech)
    observe_turns(session, metrics)
    url, key, secret = credentials
    media = LiveKitMedia(
        url=url,
        api_key=key,
        api_secret=secret,
        caller_room=ctx.room,
        caller_session=session,
        consult_session=consult_session,
        # Voicemail on the employee's leg: livekit-agents' AMD beside our offline screen when a
        # hosted model is configured (AMD needs an LLM), else the offline screen alone.
        screen=answer_screen(None if is_offline(app.settings.switchboard_llm) else parts.brain),
    )
    deps = parts.connect(
        LiveKitTelephony(lk, outbound_trunk_id=outbound_trunk_id, media=media),
        **_voicemail(ctx, session, app.settings),
    )
    options = room_io.RoomOptions(
        participant_identity=call.caller_identity,
        delete_room_on_close=False,  # after a merge the caller and the employee talk on
        close_on_disconnect=False,  # hold_call closes the session, with drain (see there)
    )
    agent = SwitchboardAgent(deps, hours=parts.hours)
    sampler = CallQualitySampler(
        ctx.room, call.caller_identity, on_tick=lambda: metrics.job_memory(process_memory())
    )
    try:
        async with sampler.running():
            outcome = await hold_call(
                parts,
                session,
                ctx.room,
                lambda: session.start(agent, room=ctx.room, room_options=options),
            )
    finally:
        await keep_quality(parts, sampler.result(), metrics)
    log.info("call.finished", outcome=outcome.value)
    return outcome


def _voicemail(ctx: JobContext, session: AgentSession[Any], settings: Settings) -> dict[str, Any]:
    """A department's after-hours voicemail records the caller's own audio track into
    VOICEMAIL_DIR; one offline transcriber per job process (VOICEMAIL_TRANSCRIPTION)."""
    from switchboard.adapters.livekit.voicemail_recorder import LiveKitVoicemailRecorder
    from switchboard.adapters.voice.recordings import RecordingFolder
    from switchboard.adapters.voice.voicemail import CALL_BUDGET, OfflineVoicemailTranscriber

    folder = RecordingFolder(settings.effective_voicemail_dir)
    transcriber = None
    if settings.voicemail_transcription:
        transcriber = ctx.proc.userdata.get(_VOICEMAIL_STT)
        if transcriber is None:
            # The prewarmed Whisper when there is one (the session hears nothing while a
            # voicemail is recorded), else it loads at the first voicemail.
            model = ctx.proc.userdata.get(_WHISPER)
            transcriber = OfflineVoicemailTranscriber(budget=CALL_BUDGET, model=model)
            ctx.proc.userdata[_VOICEMAIL_STT] = transcriber
    recorder = LiveKitVoicemailRecorder(ctx.room, session, folder)
    return {"voicemail": recorder, "transcriber": transcriber}


async def keep_quality(parts: CallParts, quality: CallQuality, metrics: CallMetrics) -> None:
    """Add the call's audio quality to its (already written) record and to the metrics. Never
    raises: the call is over and its record is safe; a failure here is logged."""
    if quality.is_empty:
        return  # no RTC stats: nothing is recorded rather than zeroes
    try:
        metrics.call_quality(quality)
        parts.log.set_quality(quality)
        await parts.log.save(parts.unit_of_work)
    except Exception:
        log.warning("call.quality_not_saved", exc_info=True)


# --- the worker process ----------------------------------------------------------------------------------
async def run_worker(
    settings: Settings,
    *,
    devmode: bool,
    stop: asyncio.Event | None = None,
    max_retry: int = 16,
) -> None:
    """Migrate the database, then run until `stop` is set (by default: until SIGINT/SIGTERM); in
    production mode, active calls are drained first. Raises when LiveKit stays unreachable after
    `max_retry` attempts."""
    await migrate_database(settings)  # once, here: never in the job processes (prewarm)
    with metrics_directory() as directory:
        options = worker_options(settings, max_retry=max_retry, metrics_dir=directory)
        server = cast(MetricsAgentServer, MetricsAgentServer.from_server_options(options))
        server.metrics_dir = directory
        await _serve(server, devmode=devmode, stop=stop)


async def _serve(server: AgentServer, *, devmode: bool, stop: asyncio.Event | None) -> None:
    signals = (signal.SIGINT, signal.SIGTERM) if stop is None else ()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    running = asyncio.create_task(server.run(devmode=devmode))
    stopping = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running in done:
            # The worker gave up (e.g. LiveKit unreachable): close what it opened (its HTTP
            # session, process pool and health server; `run` does not), then raise why.
            await server.aclose()
            running.result()
            return
        if not devmode:
            with contextlib.suppress(TimeoutError):
                await server.drain()
        await server.aclose()
        await running
    finally:
        stopping.cancel()
        for sig in signals:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)


__all__ = [
    "check_worker",
    "database_ready",
    "entrypoint",
    "migrate_database",
    "prewarm",
    "run_worker",
    "warm_calendars",
    "warm_resolvers",
    "worker_options",
    "worker_warnings",
]
