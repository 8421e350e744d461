"""Jinja filters: times in the company's timezone, masked numbers, readable words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

from switchboard.domain.phone import mask


def local_time(value: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime(fmt)


def words(value: object) -> str:
    """`out_of_office` → `out of office`."""
    return str(getattr(value, "value", value) or "").replace("_", " ")


def seconds(value: float | None) -> str:
    if value is None:
        return ""
    whole = round(value)
    return f"{whole // 60}m {whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def install(templates: Jinja2Templates) -> None:
    env = templates.env
    env.filters["local_time"] = local_time
    env.filters["mask"] = mask
    env.filters["words"] = words
    env.filters["seconds"] = seconds
