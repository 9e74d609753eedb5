"""The Alembic migrations build exactly the schema the models describe, and can be rolled back."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from engine.db.base import Base
from engine.db.migrate import alembic_config, is_up_to_date, upgrade
from engine.db.model_modules import import_model_modules


def test_migrated_schema_matches_the_models(database):
    assert "processes.okuyami.catalogue_store" in import_model_modules()
    assert is_up_to_date(database)
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again(database):
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(database)
    assert {"process_instances", "human_tasks", "audit_log"} <= set(inspect(database.engine).get_table_names())
