"""Twilio's list envelopes, as the OpenAPI specs define them.

API 2010: the list key next to `first_page_uri, next_page_uri, previous_page_uri, page, page_size,
start, end, uri` (relative URIs). v1: the list key next to a `meta` object (absolute URLs).
Pages are addressed with `PageSize` and `Page`; `PageToken` is echoed for realism, not read.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from switchboard.fakes.twilio.wire import ApiError, Resource

_MAX_PAGE_SIZE = 1000


def _page_args(request: Request) -> tuple[int, int]:
    try:
        size = max(1, min(_MAX_PAGE_SIZE, int(request.query_params.get("PageSize", "50"))))
        page = max(0, int(request.query_params.get("Page", "0")))
    except ValueError as exc:
        raise ApiError(400, 20001, "Invalid paging parameter") from exc
    return page, size


def _link(base: str, page: int, size: int, extra: dict[str, str]) -> str:
    query = {**extra, "PageSize": str(size), "Page": str(page)}
    if page:
        query["PageToken"] = f"PA{page * size}"
    return f"{base}?{urlencode(query)}"


def page_2010(request: Request, items: list[Resource], key: str, path: str) -> Resource:
    """An API 2010 list page; `path` is the list's `/2010-04-01/…json` path."""
    page, size = _page_args(request)
    extra = {
        k: v for k, v in request.query_params.items() if k not in ("PageSize", "Page", "PageToken")
    }
    chunk = items[page * size : (page + 1) * size]
    has_next = (page + 1) * size < len(items)
    return {
        key: chunk,
        "first_page_uri": _link(path, 0, size, extra),
        "next_page_uri": _link(path, page + 1, size, extra) if has_next else None,
        "previous_page_uri": _link(path, page - 1, size, extra) if page else None,
        "page": page,
        "page_size": size,
        "start": page * size,
        "end": page * size + max(len(chunk) - 1, 0),
        "uri": _link(path, page, size, extra),
    }


def page_v1(request: Request, items: list[Resource], key: str, url: str) -> Resource:
    """A v1 list page; `url` is the list's absolute `https://trunking.twilio.com/v1/…` URL."""
    page, size = _page_args(request)
    chunk = items[page * size : (page + 1) * size]
    has_next = (page + 1) * size < len(items)
    meta = {
        "first_page_url": _link(url, 0, size, {}),
        "key": key,
        "next_page_url": _link(url, page + 1, size, {}) if has_next else None,
        "page": page,
        "page_size": size,
        "previous_page_url": _link(url, page - 1, size, {}) if page else None,
        "url": _link(url, page, size, {}),
    }
    return {key: chunk, "meta": meta}
