"""`switchboard serve` mounts the console on the application's storage, with real argon2."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.bootstrap import bootstrap
from switchboard.entrypoints.cli.serve import console_services
from switchboard.services.console.accounts import Role
from switchboard.settings import Settings
from tests.console.support import client_for, log_in
from tests.support.webhook_world import World, build

pytestmark = pytest.mark.entrypoint


async def test_serve_wires_the_console(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'sb.db'}")  # type: ignore[call-arg]
    app = await bootstrap(settings, configure_logs=False)
    try:
        services = console_services(app)
        await services.accounts.add_user("ada@example.com", "a long password", Role.ADMIN)
        web = build(World(), {"console": services}, console_session_secret="z" * 40)
        async with client_for(web) as client:
            assert (await log_in(client, "ada@example.com", "a long password")).status_code == 303
            assert (await client.get("/directory")).status_code == 200
            assert (await client.get("/messages")).status_code == 200
    finally:
        await app.close()
