"""The outgoing-text filter: nothing the agent says may carry an employee's number or email.

Applied in `SwitchboardAgent.llm_node`, the one place every model reply passes before it is split
to text output, the transcript, the chat history and TTS; `SwitchboardAgent.say` applies it to
scripted lines. Text is held back only until a sentence ends, so a number split across streamed
chunks is still caught while speech can start after the first sentence.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Callable

from livekit.agents import llm
from livekit.agents.types import FlushSentinel

from switchboard.domain.directory import Directory
from switchboard.domain.redaction import redact_contact_details

# A sentence ends at . ! ? or a newline followed by whitespace; "312.555.0101" has no whitespace
# after its dots, so a dotted number is never cut in two.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?\n]\s+(?=\S)")

# Nor after a digit word: "three one two. five five five. …" must reach the filter whole.
_NUMERIC_TAIL = re.compile(
    r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple)\W*$", re.I
)

Chunk = llm.ChatChunk | str | FlushSentinel


def _split_complete(buffer: str) -> tuple[str, str]:
    """(complete sentences, unfinished tail)."""
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(buffer)
        if not _NUMERIC_TAIL.search(buffer[max(0, m.start() - 12) : m.start() + 1])
    ]
    if not ends:
        return "", buffer
    return buffer[: ends[-1]], buffer[ends[-1] :]


async def guard_stream(
    chunks: AsyncIterable[Chunk],
    directory: Directory,
    on_text: Callable[[str], None] | None = None,
) -> AsyncIterator[Chunk]:
    """Yield `chunks` with their text redacted sentence by sentence; tool calls pass through after
    any text before them. `on_text` receives the whole redacted reply at the end."""
    buffer, said = "", []

    def release(text: str) -> str:
        clean = redact_contact_details(text, directory)
        said.append(clean)
        return clean

    async for chunk in chunks:
        if isinstance(chunk, FlushSentinel):
            if buffer:
                yield release(buffer)
                buffer = ""
            yield chunk
            continue
        if isinstance(chunk, str):
            text, calls, chunk_id = chunk, [], ""
        else:
            delta = chunk.delta
            text = (delta.content or "") if delta else ""
            calls = list(delta.tool_calls) if delta else []
            chunk_id = chunk.id
            if not text and not calls:
                yield chunk  # usage and metadata carry no words
                continue
        buffer += text
        ready, buffer = _split_complete(buffer)
        if calls and buffer:
            ready, buffer = ready + buffer, ""
        if ready:
            yield release(ready)
        if calls:
            delta_calls = llm.ChoiceDelta(role="assistant", tool_calls=calls)
            yield llm.ChatChunk(id=chunk_id or "guard", delta=delta_calls)
    if buffer:
        yield release(buffer)
    if on_text is not None and said:
        on_text("".join(said))
