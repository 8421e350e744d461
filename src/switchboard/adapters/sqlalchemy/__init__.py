"""Storage on SQLAlchemy 2 (async) with Alembic migrations: SQLite by default, PostgreSQL to scale.

Entry points: `open_storage(url)` for the application, `upgrade_database` / `current_revision` /
`head_revision` / `is_up_to_date` for the `db` commands and health checks.
"""

# Imported for its side effect: the messaging tables join the one MetaData before any migration or
# schema comparison runs.
from switchboard.adapters.sqlalchemy import caller_tables as _caller_tables  # noqa: F401
from switchboard.adapters.sqlalchemy import console_tables as _console_tables  # noqa: F401
from switchboard.adapters.sqlalchemy import message_tables as _message_tables  # noqa: F401
from switchboard.adapters.sqlalchemy import webhook_tables as _webhook_tables  # noqa: F401
from switchboard.adapters.sqlalchemy.directory_repository import SqlAlchemyDirectoryRepository
from switchboard.adapters.sqlalchemy.engine import create_engine, create_session_factory
from switchboard.adapters.sqlalchemy.errors import ConstraintViolation, StorageError
from switchboard.adapters.sqlalchemy.migrate import (
    current_revision,
    head_revision,
    is_up_to_date,
    schema_state,
    upgrade_database,
)
from switchboard.adapters.sqlalchemy.storage import Storage, open_storage
from switchboard.adapters.sqlalchemy.tables import metadata
from switchboard.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

__all__ = [
    "ConstraintViolation",
    "SqlAlchemyDirectoryRepository",
    "SqlAlchemyUnitOfWork",
    "Storage",
    "StorageError",
    "create_engine",
    "create_session_factory",
    "current_revision",
    "head_revision",
    "is_up_to_date",
    "metadata",
    "open_storage",
    "schema_state",
    "upgrade_database",
]
