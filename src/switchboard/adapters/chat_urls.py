"""Chat URLs as the directory holds them: `${VAR}` expansion, validation with apprise, masking.

A chat URL is an apprise URL (https://github.com/caronc/apprise/wiki: `slack://`, `msteams://`,
`discord://`, `json://`/`jsons://` for a generic webhook, ...). Tokens need not sit in the
directory file: `${NAME}` is replaced by the environment variable NAME when the URL is checked and
again when a notification is sent, so the database and the file keep only the reference.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from switchboard.domain.chat_address import VARIABLE as _VARIABLE
from switchboard.domain.chat_address import mask

MAX_CHAT_URLS = 10  # per employee or department: a list this long is a mistake, not a team


class ChatUrlError(ValueError):
    """A chat URL that cannot be used; the text says why (with the URL masked)."""


def expand(url: str, env: Mapping[str, str] | None = None) -> str:
    """`url` with every `${NAME}` replaced from `env` (default: the process environment).
    Raises ChatUrlError naming the first variable that is not set (or is empty)."""
    values = os.environ if env is None else env

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


__all__ = ["MAX_CHAT_URLS", "ChatUrlError", "check", "expand", "mask"]
