"""ReplyInbox: only speech and key presses that began after the last prompt finished count."""

from __future__ import annotations

import asyncio

from switchboard.adapters.livekit import ReplyInbox
from switchboard.adapters.livekit.reply_inbox import MAX_KEPT
from switchboard.ports.telephony import Reply

EMP = "employee-dana"


async def test_input_from_before_a_prompt_never_counts() -> None:
    inbox = ReplyInbox()
    inbox.transcribed(EMP, "I'm returning Dana's message")
    inbox.pressed(EMP, "3")
    inbox.prompt_started()
    inbox.prompt_finished()
    assert inbox.pending(EMP) is None
    inbox.pressed(EMP, "1")
    assert await inbox.next(EMP, wait_seconds=1) == Reply(digits="1")


async def test_input_during_a_prompt_never_counts() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.speech_started(EMP)
    inbox.transcribed(EMP, "Hello?")
    inbox.speech_ended(EMP)
    inbox.pressed(EMP, "2")
    assert inbox.pending(EMP) is None  # nothing is read while a prompt plays
    inbox.prompt_finished()
    assert inbox.pending(EMP) is None
    inbox.speech_started(EMP)
    inbox.speech_ended(EMP)
    inbox.transcribed(EMP, "yes put them through")
    assert inbox.pending(EMP) == Reply(text="yes put them through")


async def test_a_transcript_is_dated_by_when_its_utterance_began() -> None:
    """Speech-to-text is late: a remark made over the briefing lands after it ended."""
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.speech_started(EMP)  # "who is this about?" over the briefing
    inbox.prompt_finished()
    inbox.speech_ended(EMP)
    inbox.transcribed(EMP, "who is this about")
    assert inbox.pending(EMP) is None
    inbox.speech_started(EMP)  # the real answer, after the briefing
    inbox.speech_ended(EMP)
    inbox.transcribed(EMP, "sure")
    assert inbox.pending(EMP) == Reply(text="sure")


async def test_an_utterance_spanning_the_end_of_a_prompt_is_dropped_whole() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.speech_started(EMP)
    inbox.prompt_finished()
    inbox.transcribed(EMP, "hang on")  # still speaking: the same utterance goes on
    inbox.speech_ended(EMP)
    inbox.transcribed(EMP, "who is it")  # its last transcript, late: it closes the utterance
    assert inbox.pending(EMP) is None
    inbox.transcribed(EMP, "ok")  # no voice activity seen for this one: dated by arrival
    assert inbox.pending(EMP) == Reply(text="ok")


async def test_overlapping_prompts_listen_only_after_the_last_one() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.prompt_started()
    inbox.prompt_finished()
    inbox.pressed(EMP, "1")  # the second prompt still plays
    assert inbox.prompting
    assert inbox.pending(EMP) is None
    inbox.prompt_finished()
    inbox.pressed(EMP, "2")
    assert inbox.pending(EMP) == Reply(digits="2")


async def test_replies_are_per_person_in_order_and_blank_input_is_ignored() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.prompt_finished()
    inbox.transcribed(EMP, "   ")
    inbox.pressed(EMP, "")
    inbox.pressed("someone-else", "9")
    inbox.pressed(EMP, "1")
    inbox.transcribed(EMP, " yes ")
    assert inbox.pending(EMP) == Reply(digits="1")
    assert inbox.pending(EMP) == Reply(text="yes")
    assert inbox.pending(EMP) is None
    assert inbox.pending("someone-else") == Reply(digits="9")


async def test_a_waiting_reader_wakes_on_input_and_gives_up_after_the_wait() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    waiting = asyncio.create_task(inbox.next(EMP, wait_seconds=5))
    inbox.pressed(EMP, "1")  # during the prompt: must not wake it with this
    inbox.prompt_finished()
    inbox.pressed(EMP, "3")
    assert await waiting == Reply(digits="3")
    assert await inbox.next(EMP, wait_seconds=0.01) is None


async def test_only_the_latest_inputs_are_kept() -> None:
    inbox = ReplyInbox()
    inbox.prompt_started()
    inbox.prompt_finished()
    for n in range(MAX_KEPT + 5):
        inbox.transcribed("caller", f"line {n}")
    assert inbox.pending("caller") == Reply(text="line 5")
