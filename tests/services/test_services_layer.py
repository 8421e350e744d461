"""services/ holds the application's use cases: provider SDKs and drivers are reached through
ports and adapters, never imported here (ARCHITECTURE: layers point down; issue "Layout").

LiveKit Agents is the exception by design: the receptionist *is* a LiveKit Agents agent (its tools,
its session and its LLM types are that framework's), as the web routes are FastAPI's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import switchboard.services

SERVICES = Path(switchboard.services.__file__).parent
PROVIDER_SDKS = (
    "twilio",
    "livekit.api",
    "livekit.protocol",
    "livekit.rtc",
    "sqlalchemy",
    "alembic",
    "aiosmtplib",
    "httpx",
    "aiohttp",
    "asyncpg",
    "aiosqlite",
    "caldav",
    "apprise",
)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "livekit":  # `from livekit import api, rtc`
                found |= {f"livekit.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize(
    "path", sorted(SERVICES.rglob("*.py")), ids=lambda p: str(p.relative_to(SERVICES))
)
def test_services_import_no_provider_sdk(path: Path) -> None:
    leaks = sorted(
        name
        for name in _imports(path)
        if any(name == sdk or name.startswith(sdk + ".") for sdk in PROVIDER_SDKS)
    )
    assert leaks == [], f"{path.name} imports {leaks}: move the call behind a port into adapters/"
