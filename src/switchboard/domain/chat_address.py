"""Chat URLs shown safely: tokens masked for logs, screens and scenario output (pure text)."""

from __future__ import annotations

import re

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")  # a `${NAME}` reference
# Schemes whose host is a plain web address (a generic webhook): the host is no secret.
_WEB_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})


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
        _userinfo, at, shown_host = host.rpartition("@")
        shown_host = ("…@" if at else "") + shown_host  # a webhook's host is no secret
    else:
        shown_host = "@".join(_part(p) for p in host.split("@"))
    shown_path = "/".join(_part(p) for p in path.split("/")) if slash else ""
    return f"{scheme}://{shown_host}{slash}{shown_path}"


def _part(text: str) -> str:
    if not text or VARIABLE.fullmatch(text) or text[0] in "#@" or len(text) <= 4:
        return text
    return text[:2] + "…"


_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+")


def mask_urls(text: str) -> str:
    """`text` with every URL in it masked (for log lines written by libraries)."""
    return _URL.sub(lambda m: mask(m.group(0)), text)
