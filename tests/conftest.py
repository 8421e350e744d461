"""Shared fixtures. Tests are marked by layer from their folder (tests/<layer>/...)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_LAYERS = {"domain", "adapters", "services", "entrypoints", "console", "e2e", "voice"}
_MARK = {
    "adapters": "adapter",
    "services": "service",
    "entrypoints": "entrypoint",
    "console": "entrypoint",  # the web console's pages, API and browser tests
}
_DATA_DIR = tempfile.mkdtemp(prefix="switchboard-tests-")


def pytest_configure(config: pytest.Config) -> None:
    """Every test that does not choose a data directory gets a throw-away one, never the real
    ~/.local/share/switchboard (its database, its resolver index): a test run must not read a
    database another run (or a person) left there, nor leave one behind."""
    os.environ["SWITCHBOARD_DATA_DIR"] = _DATA_DIR


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


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Shut livekit-rtc's native runtime down while Python is still whole.

    Tests that resample audio start it (livekit.rtc's FFI and its tokio threads). Left to the
    interpreter's own exit, one of those threads once aborted the whole test process after every
    test had passed ("panic in a function that cannot unwind"). Disposing it here, as its own
    atexit hook would, keeps the exit status the tests earned."""
    import sys

    shutil.rmtree(_DATA_DIR, ignore_errors=True)
    ffi = sys.modules.get("livekit.rtc._ffi_client")
    client = getattr(getattr(ffi, "FfiClient", None), "_instance", None)
    if client is not None:
        client._dispose()
