"""Alembic migrations, shipped in the package (Alembic itself skips this file).

Adding one: change `tables.py`, then from the repository root, with an up-to-date database::

    from alembic import command
    from switchboard.adapters.sqlalchemy.migrate import alembic_config
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "sqlite+aiosqlite:///scratch.db")
    command.revision(config, "call records", autogenerate=True, rev_id="0002")

Review the generated file (batch mode is on, so SQLite can alter tables), name its constraints
with `op.f(...)`, and run the tests: `test_storage_migrations.py` compares migrations with tables.py.
"""
