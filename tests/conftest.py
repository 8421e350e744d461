"""Shared fixtures. Tests are marked by layer from their folder (tests/<layer>/...)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_LAYERS = {"domain", "adapters", "services", "entrypoints", "e2e", "voice"}
_MARK = {"adapters": "adapter", "services": "service", "entrypoints": "entrypoint"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        for layer in _LAYERS:
            if layer in parts:
                item.add_marker(getattr(pytest.mark, _MARK.get(layer, layer)))


def _database_params() -> list[pytest.param]:  # type: ignore[valid-type]
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(
                not os.environ.get("TEST_DATABASE_URL"),
                reason="TEST_DATABASE_URL not set (CI sets it to the local PostgreSQL)",
            ),
        )
    )
    return params


@pytest.fixture(params=_database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: a fresh SQLite file, or a fresh schema-less PostgreSQL database.

    For PostgreSQL, a throwaway database is created next to TEST_DATABASE_URL's and dropped after.
    """
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    from tests.support.postgres import temporary_database

    with temporary_database(os.environ["TEST_DATABASE_URL"]) as url:
        yield url
