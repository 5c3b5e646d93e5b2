"""Schema migrations (Alembic), run in-process: ``bot.py migrate`` and ``bot.py run``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    await _run(engine, lambda config: command.downgrade(config, revision))


async def move(engine: AsyncEngine, revision: str) -> None:
    """Upgrades or downgrades to ``revision``, whichever way it lies: the way back is taken
    with the build that came up, before an older build starts."""
    known = _revisions()
    if revision != "head" and revision not in known:
        raise SchemaMismatch(f"revision {revision} is not one of this build's")
    here = await current(engine)
    if here is not None and here not in known:
        raise SchemaMismatch(_newer(here))
    below = ScriptDirectory.from_config(alembic_config()).iterate_revisions(here, "base")
    if here is not None and revision in {script.revision for script in below}:
        await downgrade(engine, revision)
    else:
        await upgrade(engine, revision)


async def _run(engine: AsyncEngine, step: Callable[[Config], None]) -> None:
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as connection:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, and the drop
            # would cascade to the rows that refer to it. The pragma must be set outside a
            # transaction, which the driver opens only at the first write.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            await connection.run_sync(lambda sync: step(alembic_config(sync)))
            await connection.commit()
        finally:
            if sqlite:
                await connection.rollback()
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()


class SchemaMismatch(Exception):
    """The database's schema is not the one this build was written for; the message says
    which way and what to do."""


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


async def current(engine: AsyncEngine) -> str | None:
    """The database's schema revision; None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def check(engine: AsyncEngine) -> None:
    """Raises :class:`SchemaMismatch` unless the schema is this build's."""
    revision, wanted = await current(engine), head()
    if revision == wanted:
        return
    if revision is None or revision in _revisions():
        raise SchemaMismatch(
            f"the database schema is at revision {revision or 'none'}, this build needs "
            f"{wanted}: run `bot.py migrate` first"
        )
    raise SchemaMismatch(_newer(revision))


def _revisions() -> set[str]:
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def _newer(revision: str) -> str:
    return (
        f"the database schema is at revision {revision}, newer than this build ({head()}): "
        "run the build that migrated it, or move it back with that build's "
        "`bot.py migrate --to REVISION`"
    )
