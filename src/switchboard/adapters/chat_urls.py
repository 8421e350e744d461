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
from urllib.parse import urlsplit

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Schemes whose host is a plain web address (a generic webhook): the host is no secret.
_WEB_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
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


def mask(url: str) -> str:
    """A chat URL fit for logs and screens: scheme, `${VAR}` references and #channel/@user parts
    are kept, a generic webhook's host is kept, every other part (tokens, passwords, webhook
    ids) is cut to its first two characters; the query string is dropped."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _part(url)
    rest = rest.split("?", 1)[0]
    host, slash, path = rest.partition("/")
    if scheme.lower() in _WEB_SCHEMES:
        parts = urlsplit(f"http://{host}")
        shown_host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        if parts.username or parts.password:
            shown_host = "…@" + shown_host
    else:
        shown_host = "@".join(_part(p) for p in host.split("@"))
    shown_path = "/".join(_part(p) for p in path.split("/")) if slash else ""
    return f"{scheme}://{shown_host}{slash}{shown_path}"


def _part(text: str) -> str:
    if not text or _VARIABLE.fullmatch(text) or text[0] in "#@" or len(text) <= 4:
        return text
    return text[:2] + "…"
