"""Argument checks shared by the receptionist's tools: errors the model can act on, and a record
of every refused call."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

from livekit.agents import ToolError

from switchboard.services.receptionist.deps import ReceptionistDeps

P = ParamSpec("P")
MAX_REASON_CHARS = 500  # a transfer's `reason`


def recorded(
    method: Callable[P, Coroutine[Any, Any, str]],
) -> Callable[P, Coroutine[Any, Any, str]]:
    """Record a refused tool call (bad arguments, guardrail) in the call record, then re-raise."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        try:
            return await method(*args, **kwargs)
        except ToolError as exc:
            deps = getattr(args[0], "deps", None) if args else None
            if isinstance(deps, ReceptionistDeps):
                deps.record("tool_error", tool=method.__name__, error=exc.message)
            raise

    return wrapper


def text_arg(value: str, what: str, limit: int) -> str:
    """`value` with its whitespace tidied, or a ToolError telling the model what to ask for."""
    cleaned = " ".join(str(value).split())
    if not cleaned:
        raise ToolError(f"{what} is missing: ask the caller for it")
    if len(cleaned) > limit:
        raise ToolError(f"{what} is too long (at most {limit} characters)")
    return cleaned
