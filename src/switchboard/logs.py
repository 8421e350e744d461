"""Structured logging: JSON or console lines, a call id on every line of a call, numbers masked.

Use `get_logger(__name__)` and pass personal data as fields, never in the message text. Inside a call,
`bind_call(call_id)` (a context manager) tags every line logged by that task and its children.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

from switchboard.domain.phone import mask_numbers_in

_SENSITIVE_KEYS = frozenset({"password", "auth_token", "api_secret", "secret", "token"})


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_numbers_in(value)
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask_value(v) for v in value)
    return value


def mask_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: mask phone numbers in every field and drop secrets."""
    for key in list(event_dict):
        if key in _SENSITIVE_KEYS:
            event_dict[key] = "********"
        else:
            event_dict[key] = _mask_value(event_dict[key])
    return event_dict


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Configure structlog and route the standard library's logging (livekit, uvicorn) through it."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        mask_personal_data,  # before the timestamp, which is not personal data
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a logger bound before `structlog.testing.capture_logs` (or a later
        # configure_logging) would keep the old processors and miss what it should show.
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # Standard-library records (`log.info(..., extra={...})`, livekit, uvicorn) keep their
        # extra fields, masked like everything else.
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = _CurrentStderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a line is logged, not when logging was configured.

    A handler bound to the stream of the moment outlives it when that stream is replaced and closed
    (a CLI test runner, a daemon redirecting its output), and every later line fails with
    "I/O operation on closed file".
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)


@contextmanager
def bind_call(call_id: str, **fields: Any) -> Iterator[None]:
    """Tag every log line in this context (and tasks created inside it) with `call_id`."""
    tokens = structlog.contextvars.bind_contextvars(call_id=call_id, **fields)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
