"""`OfflineSTT`: a livekit `stt.STT` on faster-whisper `tiny.en` (int8), steered by directory names.

Non-streaming: `AgentSession` pairs it with a VAD through livekit's `stt.StreamAdapter`, so each
utterance is recognised once the caller stops. Decoding runs on one worker thread (ctranslate2
releases the GIL), so the event loop never waits on it; a token budget and a per-utterance
timeout stop the rare Whisper loop from holding up the call.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
from livekit.agents import NOT_GIVEN, APIConnectOptions, LanguageCode, NotGivenOr, stt, utils
from livekit.agents.voice.events import ConversationItemAddedEvent

from switchboard.adapters.voice.audio import WHISPER_SAMPLE_RATE, whisper_input
from switchboard.adapters.voice.name_rescoring import NameRescorer, Scorer
from switchboard.adapters.voice.names import NameSnapper
from switchboard.adapters.voice.prompting import HintIndex, fits, name_prompt
from switchboard.adapters.voice.spelling_rescoring import SPELLING_PROMPT, SpellingRescorer
from switchboard.adapters.voice.whisper import Transcriber, WhisperOptions, decode, load_whisper
from switchboard.domain.resolution.spelling import asks_for_spelling, spelled_letters
from switchboard.logs import get_logger

logger = get_logger(__name__)


class OfflineSTT(stt.STT[Literal["metrics_collected", "error"]]):
    """Offline speech-to-text; `hints` are the directory's names (`Resolver.recognition_hints()`)."""

    def __init__(
        self,
        *,
        hints: Sequence[str] = (),
        options: WhisperOptions | None = None,
        model: Transcriber | None = None,
    ) -> None:
        # `chat_context`: the session hands us each conversation item (livekit-agents 1.8.9
        # voice/agent_activity.py:1376-1382, on by default), so a turn after the agent asked
        # for a spelling is read as letters (`heard_agent_say`).
        super().__init__(
            capabilities=stt.STTCapabilities(
                streaming=False, interim_results=False, keyterms=True, chat_context=True
            )
        )
        self._opts = options or WhisperOptions()
        self._model = model
        self._hints = list(hints)
        self._spelling = False  # the agent's last words asked the caller to spell a name
        self._said: list[str] = []  # directory names in the agent's last words
        self._hints_as_set: frozenset[str] | None = None
        self._session_terms: list[str] = []
        self._terms: list[str] = []
        self._overflow = False
        self._prompt = ""
        self._rebuild_prompt()
        # One worker: utterances queue instead of fighting over the two cores.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="offline-stt")
        self._loading: asyncio.Future[Transcriber] | None = None

    @property
    def model(self) -> str:
        return "tiny.en"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    @property
    def prompt(self) -> str:
        """The name prompt Whisper is currently steered with."""
        return self._prompt

    def update_hints(self, hints: Sequence[str]) -> None:
        """Replace the directory names, e.g. after the directory changes."""
        self._hints = list(hints)
        self._hints_as_set = None
        self._rebuild_prompt()

    def _update_session_keyterms(self, keyterms: list[str]) -> None:
        self._session_terms = list(keyterms)
        self._rebuild_prompt()

    def _rebuild_prompt(self) -> None:
        terms = [*self._hints, *self._session_terms]
        self._prompt = name_prompt([*self._said, *terms], max_chars=self._opts.max_prompt_chars)
        self._terms = terms  # replaced whole, never mutated: the decode thread reads it
        self._overflow = not fits(terms, max_chars=self._opts.max_prompt_chars)

    def heard_agent_say(self, text: str) -> None:
        """What the agent said last: after "Could you spell their last name?" the caller's
        next turn is read as letters (no directory names in the prompt, none written in), and
        the turn taker lets them pause between letters (`TurnTiming.spelling_silence`). Names
        the agent just said ("Did you mean Finn Arnesen in Sales or Kari Arnesen in Support?")
        lead the prompt for the answer: they are the likeliest names in it."""
        self._spelling = asks_for_spelling(text)
        said = _names_in(text, self._hint_set())
        if said != self._said:
            self._said = said
            self._rebuild_prompt()

    def _hint_set(self) -> frozenset[str]:
        if self._hints_as_set is None:
            self._hints_as_set = frozenset(self._hints)
        return self._hints_as_set

    def spelling_expected(self) -> bool:
        return self._spelling

    def _push_conversation_item(self, ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if item.type == "message" and item.role == "assistant":
            self.heard_agent_say(item.text_content or "")

    async def load(self) -> None:
        """Load the model off the event loop; recognition calls this itself when needed."""
        await self._ensure_model()

    def prewarm(self) -> None:
        """Start loading the model in the background when called inside an event loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._loading = self._loading or self._start_loading()

    def _start_loading(self) -> asyncio.Future[Transcriber]:
        loading = asyncio.ensure_future(self._load_in_worker())
        loading.add_done_callback(_note_load_failure)  # a prewarm nobody awaits is still heard
        return loading

    async def _ensure_model(self) -> Transcriber:
        if self._model is not None:
            return self._model
        self._loading = self._loading or self._start_loading()
        try:
            self._model = await asyncio.shield(self._loading)
        except Exception:
            self._loading = None  # let the next turn try again rather than replay the failure
            raise
        return self._model

    async def _load_in_worker(self) -> Transcriber:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, load_whisper, self._opts)

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        # tiny.en only knows English; any requested language is answered in English.
        audio = whisper_input(buffer)
        request_id = utils.shortuuid()
        if audio.size < WHISPER_SAMPLE_RATE // 10:  # under 0.1 s: nothing to recognise
            return _final(request_id, "", 0.0)
        model = await self._ensure_model()
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()
        spelling = self._spelling

        def work() -> tuple[str, float]:
            # The timeout bounds the decode, not the wait behind other turns in the queue.
            loop.call_soon_threadsafe(_resolve, started)
            deadline = time.monotonic() + self._opts.timeout
            if spelling:
                return self._read_spelling(model, audio, deadline)
            return self._read(model, audio, deadline)

        job = loop.run_in_executor(self._executor, work)
        try:
            waiting: set[asyncio.Future[Any]] = {started, job}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            text, confidence = await asyncio.wait_for(job, self._opts.timeout)
        except TimeoutError:
            # The token budget bounds the orphaned decode; the caller is asked to repeat.
            logger.warning("offline STT timed out", timeout_s=self._opts.timeout)
            return _final(request_id, "", 0.0)
        except Exception as e:
            # One undecodable turn must not end the call (an exception here closes livekit's
            # stream): report it and let the caller repeat.
            logger.exception("offline STT failed on one turn")
            self._emit_error(e, recoverable=True)
            return _final(request_id, "", 0.0)
        return _final(request_id, text, confidence)

    def _read(self, model: Transcriber, audio: np.ndarray, deadline: float) -> tuple[str, float]:
        """One turn, on the worker thread: the transcript, with the directory name Whisper finds
        clearly most likely written in (`NameRescorer`), else a garbled one written as the
        directory spells it (`NameSnapper`). A turn that spells a name out letter by letter is
        left as written: the resolver reads the letters (`domain/resolution/spelling.py`)."""
        text, confidence = self._decode(model, audio, deadline)
        if spelled_letters(text) is not None:
            return text, confidence
        terms = tuple(self._terms)
        if self._opts.rescore_names and text.strip() and time.monotonic() < deadline:
            scorer: Scorer | None = getattr(model, "scorer", lambda _: None)(audio)
            if scorer is not None:
                text = _rescorer(terms).rescore(text, scorer, deadline=deadline)
        if not self._opts.snap_names:
            return text, confidence
        return _name_tools(terms)[0].snap(text), confidence

    def _read_spelling(
        self, model: Transcriber, audio: np.ndarray, deadline: float
    ) -> tuple[str, float]:
        """A turn after the agent asked for a spelling: letters, prompted as letters (not with
        the directory's names), with the directory spelling Whisper finds clearly most likely
        written in (`SpellingRescorer`)."""
        text, confidence = decode(
            model, audio, prompt=SPELLING_PROMPT, options=self._opts, deadline=deadline
        )
        if self._opts.rescore_names and text.strip() and time.monotonic() < deadline:
            scorer: Scorer | None = getattr(model, "scorer", lambda _: None)(audio)
            if scorer is not None:
                text = _spelling_rescorer(tuple(self._terms)).rescore(
                    text, scorer, deadline=deadline
                )
        return text, confidence

    def _decode(self, model: Transcriber, audio: np.ndarray, deadline: float) -> tuple[str, float]:
        """Decode with the prompt; when the directory is too large for one prompt, decode again
        with the names closest to the first reading, unless that reading already carries a full
        directory name word for word (most turns: the second decode would cost as much again,
        about 0.2 s on two cores, for nothing)."""
        opts, terms, prompt = self._opts, self._terms, self._prompt
        text, confidence = decode(model, audio, prompt=prompt, options=opts, deadline=deadline)
        if not (self._overflow and opts.reread_with_closest_names and text.strip()):
            return text, confidence
        hints = _name_tools(tuple(terms))[1]
        if time.monotonic() > deadline or hints.names_whole(text):
            return text, confidence
        closer = name_prompt(
            [*self._said, *hints.closest(text, limit=opts.closest_names)],
            max_chars=opts.max_prompt_chars,
        )
        if closer == prompt:
            return text, confidence
        return decode(model, audio, prompt=closer, options=opts, deadline=deadline)

    async def aclose(self) -> None:
        """Release the worker thread (a decode in flight finishes on its own)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


@functools.lru_cache(maxsize=4)
def _name_tools(terms: tuple[str, ...]) -> tuple[NameSnapper, HintIndex]:
    """Built on the decode thread on first use and shared by the calls of one worker process:
    a 100,000-name directory takes about a second to index, which must not block the event loop
    at the start of every call."""
    return NameSnapper(terms), HintIndex(terms)


@functools.lru_cache(maxsize=4)
def _rescorer(terms: tuple[str, ...]) -> NameRescorer:
    """As `_name_tools`: built on the decode thread, shared by the calls of one process."""
    return NameRescorer(terms)


_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’.-]*){0,3}")


def _names_in(text: str, names: frozenset[str]) -> list[str]:
    """The directory names said in `text`, in order: runs of two to four capitalised words
    (and their leading parts) looked up whole, so the cost is the line's length, not the
    directory's."""
    found: list[str] = []
    for run in _CAPITALISED.findall(text):
        words = run.rstrip(".").split()
        for end in range(len(words), 0, -1):
            for start in range(0, len(words) - end + 1):
                name = " ".join(words[start : start + end])
                if name in names and name not in found:
                    found.append(name)
    return found


@functools.lru_cache(maxsize=4)
def _spelling_rescorer(terms: tuple[str, ...]) -> SpellingRescorer:
    """As `_rescorer`, for spelled names."""
    return SpellingRescorer(terms)


def _note_load_failure(loading: asyncio.Future[Transcriber]) -> None:
    """Retrieve a failed load's exception, so asyncio does not report it as never retrieved; the
    turn that needs the model raises it again (and a missing extra is logged once, here)."""
    if loading.cancelled() or loading.exception() is None:
        return
    logger.warning("offline STT model could not be loaded", error=str(loading.exception()))


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _final(request_id: str, text: str, confidence: float) -> stt.SpeechEvent:
    return stt.SpeechEvent(
        type=stt.SpeechEventType.FINAL_TRANSCRIPT,
        request_id=request_id,
        alternatives=[
            stt.SpeechData(language=LanguageCode("en"), text=text, confidence=confidence)
        ],
    )
