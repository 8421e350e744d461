"""Chat URLs as the directory holds them: `${VAR}` expansion, validation with apprise, masking.

A chat URL is an apprise URL (https://github.com/caronc/apprise/wiki: `slack://`, `msteams://`,
`discord://`, `json://`/`jsons://` for a generic webhook, ...). Tokens need not sit in the
directory file: `${NAME}` is replaced by the environment variable NAME when the URL is checked and
again when a notification is sent, so the database and the file keep only the reference. NAME is
looked up in the process environment, then in `.env` (the file the settings read; pydantic does
not export it to the environment), then in `variables(...)` set by the caller (the simulator
names its local chat service this way).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from dotenv import dotenv_values

from switchboard.domain.chat_address import VARIABLE as _VARIABLE
from switchboard.domain.chat_address import mask, mask_urls
from switchboard.domain.errors import InvalidInput

MAX_CHAT_URLS = 10  # per employee or department: a list this long is a mistake, not a team


class _MaskedUrls(logging.Filter):
    """apprise logs URLs it cannot parse, and shortens only some tokens: mask them all."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "://" in text:
            record.msg, record.args = mask_urls(text), ()
        return True


logging.getLogger("apprise").addFilter(_MaskedUrls())

SIMULATOR_VARIABLE = "SWITCHBOARD_SIM_CHAT"  # host:port of the simulator's chat service
_EXTRA: ContextVar[Mapping[str, str]] = ContextVar(
    "chat_url_variables", default=MappingProxyType({})
)


@functools.cache
def _dotenv() -> dict[str, str]:
    # Read once per process, like the settings; a changed .env needs a restart either way.
    return {k: v for k, v in dotenv_values(".env").items() if v is not None}


def environment() -> dict[str, str]:
    """Where `${NAME}` is looked up: `variables(...)`, then the process environment, then .env."""
    return {**_dotenv(), **os.environ, **_EXTRA.get()}


@contextmanager
def variables(values: Mapping[str, str]) -> Iterator[None]:
    """Extra `${NAME}` values for URLs checked or expanded inside the block (this task only)."""
    token = _EXTRA.set({**_EXTRA.get(), **values})
    try:
        yield
    finally:
        _EXTRA.reset(token)


class ChatUrlError(InvalidInput, ValueError):
    """A chat URL that cannot be used; the text says why (with the URL masked)."""


def expand(url: str, env: Mapping[str, str] | None = None) -> str:
    """`url` with every `${NAME}` replaced from `env` (default: `environment()`).
    Raises ChatUrlError naming the first variable that is not set (or is empty)."""
    values = environment() if env is None else env

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = values.get(name)
        if not found:
            raise ChatUrlError(f"${{{name}}} is not set in the environment")
        return found

    return _VARIABLE.sub(value, url)


def check(url: str, env: Mapping[str, str] | None = None) -> str:
    """The URL as written (stripped) when apprise understands it once expanded; else ChatUrlError."""
    written = url.strip()
    if not written:
        raise ChatUrlError("is empty")
    if "://" not in written:
        raise ChatUrlError(f"{mask(written)!r} is not a URL like slack://… or jsons://host/path")
    import apprise  # here, not at the top: loading a directory without chat URLs stays fast

    if apprise.Apprise.instantiate(expand(written, env)) is None:
        raise ChatUrlError(
            f"{mask(written)!r} is not a chat URL apprise understands "
            "(unknown scheme, or a token in the wrong form)"
        )
    return written


__all__ = [
    "MAX_CHAT_URLS",
    "SIMULATOR_VARIABLE",
    "ChatUrlError",
    "check",
    "environment",
    "expand",
    "mask",
    "variables",
]
