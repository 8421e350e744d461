"""The agent's replies in a live call cut as `speech_chunks` cuts them: a short opener ("Sure,",
"Of course,") spoken on its own, then sentence by sentence.

An `AgentSession` speaks a non-streaming TTS through livekit's `tts.StreamAdapter`, which cuts the
reply with its own sentence tokenizer (livekit-agents 1.8.9 voice/agent.py:610-622, blingfire) and
synthesises one piece after the other (tts/stream_adapter.py:165-190). The caller hears nothing
until the whole first sentence is synthesised: "Sure, one moment while I connect you." takes piper
about 0.6 s on a busy 2-core machine, "Sure," a fraction of it (benchmarks/voice_session.py).
`reply_tts` hands the session that adapter already built, with `ReplyTokenizer`; a TTS that is
already streaming is the session's to use as is (voice/agent.py:613).
"""

from __future__ import annotations

from typing import Any

from livekit.agents import tokenize
from livekit.agents import tts as lk_tts
from livekit.agents.tokenize.token_stream import BufferedSentenceStream
from livekit.agents.tokenize.tokenizer import SentenceStream

from switchboard.adapters.voice.turns import sentences, speech_chunks

# Characters gathered before the stream first cuts (livekit's basic tokenizer waits for 10).
_CONTEXT_CHARS = 10


class ReplyTokenizer(tokenize.SentenceTokenizer):
    """`speech_chunks` for livekit: the opener split off the first sentence of each reply only."""

    def tokenize(self, text: str, *, language: str | None = None) -> list[str]:
        return speech_chunks(text)

    def stream(self, *, language: str | None = None) -> SentenceStream:
        return _ReplyStream()


class _ReplyStream(BufferedSentenceStream):
    """livekit's buffered stream (tokenize/token_stream.py:151-274): text is pushed as the model
    writes it, the tokenizer is run on what is not yet spoken, and every piece but the last (which
    may still grow) is sent on; `min_token_len=1` lets "Sure," go alone. Only the reply's first
    piece may be an opener: later sentences are cut at sentence ends only. `flush` ends a reply."""

    def __init__(self) -> None:
        self._first = True
        super().__init__(tokenizer=self._pieces, min_token_len=1, min_ctx_len=_CONTEXT_CHARS)

    def _pieces(self, text: str) -> Any:
        pieces = speech_chunks(text) if self._first else sentences(text)
        if len(pieces) > 1:
            self._first = False  # push_text sends the first piece on now
        return pieces

    def flush(self) -> None:
        super().flush()
        self._first = True


def reply_tts(tts: lk_tts.TTS[Any]) -> lk_tts.TTS[Any]:
    """`tts` as the session should get it: a non-streaming one wrapped with `ReplyTokenizer`."""
    if tts.capabilities.streaming:
        return tts
    return lk_tts.StreamAdapter(tts=tts, sentence_tokenizer=ReplyTokenizer())
