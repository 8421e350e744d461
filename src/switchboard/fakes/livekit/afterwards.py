"""Work the fake does after a request: in the background, or once its answer has been sent.

livekit-sip answers a TransferSIPParticipant before it hangs up the referred leg, so a handler
registers that hang-up with `after_response`; the app runs it once the answer's body is written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

_tasks: set[asyncio.Task[None]] = set()
_hooks: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response", default=None)


def spawn(coro: Coroutine[Any, Any, None]) -> None:
    """Run `coro` in the background, keeping a reference until it ends."""
    task = asyncio.create_task(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def after_response(hook: Callable[[], None]) -> None:
    """Call `hook` once the current request's answer is sent (at once outside a request)."""
    hooks = _hooks.get()
    if hooks is None:
        hook()
    else:
        hooks.append(hook)


@contextlib.contextmanager
def collecting() -> Iterator[list[Callable[[], None]]]:
    """Collect `after_response` hooks registered inside the block; yields the list."""
    hooks: list[Callable[[], None]] = []
    token = _hooks.set(hooks)
    try:
        yield hooks
    finally:
        _hooks.reset(token)


async def run_hooks(hooks: list[Callable[[], None]]) -> None:
    """What the app runs after sending the answer (hooks only spawn, they never block)."""
    for hook in hooks:
        hook()
