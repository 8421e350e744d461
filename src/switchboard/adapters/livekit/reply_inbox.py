"""Replies heard in one room, of which only those after our last prompt count.

A person on the phone talks over the agent: the employee says "Hello?" on picking up while the
briefing starts, the caller said "I'm returning Dana's message" long before the transfer began.
None of that answers the question the agent asked, so none of it may be read as a decision. The
rule: input counts only when it *began* after the last prompt in the room finished playing.

Ordering uses stamps from a counter, not a clock: every event (prompt start or end, speech start,
speech end, transcript, key press) takes the next stamp. A transcript is dated by the start of the
utterance it belongs to (the session's `user_state_changed` to "speaking"), because speech-to-text
delivers a final transcript some time after the words were said; a remark made during the
briefing whose transcript lands just after it ended is still a remark made during the briefing.
A key press is dated by its arrival.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from switchboard.ports.telephony import Reply

MAX_KEPT = 32  # a caller talks for minutes before a transfer; nothing that old ever counts


@dataclass(frozen=True, slots=True)
class _Heard:
    who: str
    reply: Reply
    began: int  # stamp when the input began


class ReplyInbox:
    """Speech and key presses from the people in one room, each stamped with when it began.

    `prompt_started`/`prompt_finished` bracket every prompt played into the room (prompts may
    overlap; input counts only when none plays). Feed speech with `speech_started`,
    `speech_ended` and `transcribed`, keys with `pressed`; read with `next`.
    """

    def __init__(self) -> None:
        self._stamp = 0
        self._listen_from = 0  # input that began at or before this stamp is stale
        self._prompts = 0  # prompts playing now
        self._talking: dict[str, int] = {}  # who -> stamp when their current utterance began
        self._open: set[str] = set()  # who is speaking now (VAD)
        self._heard: deque[_Heard] = deque(maxlen=MAX_KEPT)
        self._changed = asyncio.Event()

    # --- prompts ------------------------------------------------------------------------------

    def prompt_started(self) -> None:
        """A prompt starts playing: nothing heard so far, or until it ends, answers it."""
        self._prompts += 1
        self._tick()
        self._heard.clear()

    def prompt_finished(self) -> None:
        """A prompt has played (or failed to): listen from now on."""
        self._prompts = max(self._prompts - 1, 0)
        self._listen_from = self._tick()
        self._heard.clear()
        self._wake()

    @property
    def prompting(self) -> bool:
        """True while a prompt plays."""
        return self._prompts > 0

    # --- input --------------------------------------------------------------------------------

    def speech_started(self, who: str) -> None:
        """`who` began an utterance (voice activity): its transcripts date from now."""
        self._talking[who] = self._tick()
        self._open.add(who)

    def speech_ended(self, who: str) -> None:
        """`who` stopped speaking; the utterance's final transcript may still be on its way."""
        self._open.discard(who)

    def transcribed(self, who: str, text: str) -> None:
        """A final transcript from `who`, dated by the start of `who`'s current utterance; blank
        ones are ignored. Transcripts keep coming while `who` speaks; the first one after they
        went quiet is the utterance's last, and one with no voice activity seen is dated now."""
        text = text.strip()
        if not text:
            return
        now = self._tick()
        began = self._talking.get(who, now)
        if who not in self._open:
            self._talking.pop(who, None)  # the utterance is over: the next one starts afresh
        self._keep(_Heard(who, Reply(text=text), began))

    def pressed(self, who: str, digit: str) -> None:
        """`who` pressed a key; each press is one reply."""
        if digit:
            self._keep(_Heard(who, Reply(digits=digit), self._tick()))

    # --- reading ------------------------------------------------------------------------------

    def pending(self, who: str) -> Reply | None:
        """The oldest input from `who` that counts, taken from the inbox; None if there is none."""
        if self.prompting:
            return None
        for item in self._heard:
            if item.who == who and item.began > self._listen_from:
                self._heard.remove(item)
                return item.reply
        return None

    async def next(self, who: str, *, wait_seconds: float) -> Reply | None:
        """The oldest input from `who` that counts, waiting up to `wait_seconds` for one."""
        try:
            async with asyncio.timeout(wait_seconds):
                while (reply := self.pending(who)) is None:
                    await self._changed.wait()
                return reply
        except TimeoutError:
            return None

    # --- plumbing -----------------------------------------------------------------------------

    def _keep(self, item: _Heard) -> None:
        if self.prompting or item.began <= self._listen_from:
            return  # said over a prompt, or before it ended: it cannot answer it
        self._heard.append(item)
        self._wake()

    def _tick(self) -> int:
        self._stamp += 1
        return self._stamp

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()
