"""Storage errors that callers may catch without importing SQLAlchemy.

StorageError
 └── ConstraintViolation (also a ValueError): a unique or foreign key rule would be broken
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import IntegrityError

from switchboard.domain.errors import SwitchboardError

ConstraintKind = Literal["unique", "foreign_key", "not_null", "check", "other"]


class StorageError(SwitchboardError):
    """Base class for errors raised by the storage adapter."""


class ConstraintViolation(StorageError, ValueError):
    """A write was refused by a database constraint; nothing from that write was kept.

    `kind` says which rule (e.g. `foreign_key` for an employee naming an unknown department).
    """

    def __init__(self, action: str, kind: ConstraintKind, detail: str) -> None:
        super().__init__(f"{action} failed: {_DESCRIPTIONS[kind]} ({detail})")
        self.action = action
        self.kind = kind
        self.detail = detail


_DESCRIPTIONS: dict[ConstraintKind, str] = {
    "unique": "a record with the same key already exists",
    "foreign_key": "it refers to a record that does not exist, or is still referred to",
    "not_null": "a required value is missing",
    "check": "a value is not allowed",
    "other": "the database refused the change",
}


def constraint_violation(action: str, error: IntegrityError) -> ConstraintViolation:
    """Translate a driver's IntegrityError (SQLite and asyncpg word them differently)."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    text = detail.lower()
    kind: ConstraintKind = "other"
    if "foreign key" in text:
        kind = "foreign_key"
    elif "unique" in text or "duplicate key" in text:
        kind = "unique"
    elif "not null" in text or "null value" in text:
        kind = "not_null"
    elif "check constraint" in text:
        kind = "check"
    return ConstraintViolation(action, kind, detail)
