"""A database at the newest migration is left alone without loading Alembic: that newest one must be HEAD."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from dvt.adapters.db.migrate import HEAD, alembic_config, current_revision, upgrade_async


def test_head_is_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config("postgresql://unused/x")).get_heads() == [HEAD]


async def test_the_test_database_is_at_head_and_upgrading_it_again_changes_nothing(database_url: str) -> None:
    assert await current_revision(database_url) == HEAD
    await upgrade_async(database_url)
    assert await current_revision(database_url) == HEAD
