"""The domain layer imports no I/O, framework or adapter code (ARCHITECTURE: layers point down)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import switchboard.domain

DOMAIN = Path(switchboard.domain.__file__).parent
FORBIDDEN = {
    "asyncio",
    "aiohttp",
    "aiosqlite",
    "aiosmtplib",
    "asyncpg",
    "httpx",
    "requests",
    "socket",
    "sqlalchemy",
    "alembic",
    "livekit",
    "twilio",
    "fastapi",
    "starlette",
    "uvicorn",
    "subprocess",
    "smtplib",
    "sqlite3",
    "shutil",
    "tempfile",
    "yaml",
    "structlog",
    "logging",
    "os",
    "pathlib",
    "open",
}
ALLOWED_SWITCHBOARD = ("switchboard.domain",)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
        ):
            found.add("open")
    return found


MODULES = sorted(DOMAIN.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_has_no_io_imports(path: Path) -> None:
    for name in _imports(path):
        root = name.split(".")[0]
        assert root not in FORBIDDEN, f"{path.name} imports {name}"
        if root == "switchboard":
            assert name.startswith(ALLOWED_SWITCHBOARD), f"{path.name} imports {name}"


def test_the_check_sees_the_domain() -> None:
    assert len(MODULES) > 20
