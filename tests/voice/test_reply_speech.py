"""The worker's replies cut as `speech_chunks` cuts them, through livekit's streaming sentence
interface: the opener of a reply alone, then whole sentences, whatever sizes the model's text
arrives in."""

from __future__ import annotations

import pytest
from livekit.agents import tts as lk_tts
from tests.support.agent_audio import QuietEngine

from switchboard.adapters.voice.reply_speech import ReplyTokenizer, reply_tts
from switchboard.adapters.voice.tts import OfflineTTS
from switchboard.adapters.voice.turns import speech_chunks

REPLY = (
    "Sure, one moment while I connect you. If nobody answers, I can take a message "
    "and make sure it reaches Dr. Kim today."
)


async def _pieces(*replies: str, size: int) -> list[list[str]]:
    """Each reply pushed `size` characters at a time, as a model streams it, then flushed."""
    stream = ReplyTokenizer().stream()
    for reply in replies:
        for i in range(0, len(reply), size):
            stream.push_text(reply[i : i + size])
        stream.flush()
    stream.end_input()
    out: dict[str, list[str]] = {}
    async for data in stream:
        out.setdefault(data.segment_id, []).append(data.token)
    return list(out.values())


@pytest.mark.parametrize("size", [1, 4, 17, len(REPLY)])
async def test_the_opener_goes_alone_then_whole_sentences(size: int) -> None:
    assert await _pieces(REPLY, size=size) == [
        [
            "Sure,",
            "one moment while I connect you.",
            # Not split again at its comma: only a reply's first piece is an opener.
            "If nobody answers, I can take a message and make sure it reaches Dr. Kim today.",
        ]
    ]


async def test_every_reply_starts_afresh() -> None:
    second = "Of course, I will let her know you called."
    assert await _pieces(REPLY, second, size=6) == [
        ["Sure,", "one moment while I connect you.",
         "If nobody answers, I can take a message and make sure it reaches Dr. Kim today."],
        ["Of course,", "I will let her know you called."],
    ]  # fmt: skip


async def test_short_and_empty_replies() -> None:
    assert await _pieces("Goodbye.", size=3) == [["Goodbye."]]
    assert await _pieces("Sure, thanks.", size=3) == [["Sure, thanks."]]  # too short to split
    assert await _pieces("", size=3) == []


def test_whole_text_is_cut_like_speech_chunks() -> None:
    assert ReplyTokenizer().tokenize(REPLY) == speech_chunks(REPLY)


def test_only_a_non_streaming_tts_is_wrapped() -> None:
    offline = OfflineTTS(engine=QuietEngine())
    wrapped = reply_tts(offline)
    assert isinstance(wrapped, lk_tts.StreamAdapter)
    assert wrapped.capabilities.streaming  # the session uses it as it is
    assert isinstance(wrapped._sentence_tokenizer, ReplyTokenizer)
    assert reply_tts(wrapped) is wrapped
