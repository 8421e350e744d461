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


# Our own adapters are reached from services/ only here, each family for a stated reason; a new
# module that needs an adapter takes it through a port, wired in `switchboard.bootstrap`.
ADAPTER_USERS = {
    # one-shot commands that read the providers' state: the clients are opened and closed there
    "backup.py": "setup backup diffs the providers' state",
    "diagnostics": "`diagnostics` reads Twilio's and LiveKit's own call logs",
    "doctor": "`doctor` probes the providers, SMTP and the database schema",
    "provisioning/desired.py": "Twilio's published signalling ranges, a data table in the adapter",
    # the directory file's parser and the saved resolver index
    "directory.py": "directory import/export reads and writes the directory file",
    "directory_index.py": "the resolver index saved per directory revision (a file beside the db)",
    # the simulated world a local call or a scenario assembles (its phone network, clock, stores)
    "local_call": "`switchboard call` assembles the simulated phone network",
    "scenarios": "`switchboard simulate` assembles a simulated world per scenario",
}


def _allowed(relative: str) -> bool:
    return any(relative == key or relative.startswith(key + "/") for key in ADAPTER_USERS)


@pytest.mark.parametrize(
    "path", sorted(SERVICES.rglob("*.py")), ids=lambda p: str(p.relative_to(SERVICES))
)
def test_services_reach_our_adapters_only_where_stated(path: Path) -> None:
    relative = path.relative_to(SERVICES).as_posix()
    imported = _imports(path)
    assert not any(n == "switchboard.bootstrap" or n.startswith("switchboard.bootstrap.")
                   for n in imported), f"{relative} imports the composition root"  # fmt: skip
    if _allowed(relative):
        return
    adapters = sorted(n for n in imported if n.startswith("switchboard.adapters"))
    assert adapters == [], f"{relative} imports {adapters}: take it through a port (ports/)"
