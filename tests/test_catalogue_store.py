"""Catalogue versions in the database: stored once per content, the live one, refusals that write nothing."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sa_text

from engine.db.models import AuditEntry
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.catalogue_store import (
    CatalogueVersion,
    deploy_catalogue,
    list_catalogue_versions,
    live_catalogue,
)
from processes.okuyami.catalogue_validation import CatalogueError
from tests.catalogue_support import drop_a_required_field, dump, name_an_unknown_department, repository_document


def _edited(text: str, label: str) -> str:
    return text.replace('version: "2026-04"', f'version: "{label}"', 1)


def _count(database, model=CatalogueVersion, *where) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _deploys(database) -> int:
    return _count(database, AuditEntry, AuditEntry.action == "catalogue.deploy")


def test_live_catalogue_is_the_repository_yaml_until_something_is_deployed(database):
    with database.transaction(write=False) as session:
        assert live_catalogue(session).content_hash == load_catalogue().content_hash
        assert list_catalogue_versions(session) == []


def test_the_same_content_is_stored_once(database):
    text = load_catalogue().text
    with database.transaction() as session:
        first = deploy_catalogue(session, text, actor="owner1", comment="初版")
        first_id = first.id
    with database.transaction() as session:
        again = deploy_catalogue(session, text.replace("\n", "\r\n"), actor="owner2", comment="再登録")
        assert again.id == first_id and again.deployed_by == "owner1"
    assert _count(database) == 1 and _deploys(database) == 1
    with database.transaction(write=False) as session:
        row = session.get(CatalogueVersion, first_id)
        assert (row.version_label, row.effective_from, row.comment) == ("2026-04", date(2026, 4, 1), "初版")
        assert row.content_hash == load_catalogue().content_hash and row.content == text


def test_changed_content_is_a_new_version_and_becomes_live(database):
    text = load_catalogue().text
    changed = _edited(text, "2026-05").replace('deadline: "死亡日から14日以内"', 'deadline: "亡くなった日から14日以内"', 1)
    with database.transaction() as session:
        deploy_catalogue(session, text, actor="owner1")
    with database.transaction() as session:
        second = deploy_catalogue(session, changed, actor="owner1", comment="期限の表現を修正")
    with database.transaction(write=False) as session:
        live = live_catalogue(session)
        assert live.version == "2026-05" and live.content_hash == second.content_hash
        assert live.require("JU03").deadline == "亡くなった日から14日以内"
        assert [v.version_label for v in list_catalogue_versions(session)] == ["2026-05", "2026-04"]
    assert _count(database) == 2 and _deploys(database) == 2


def test_redeploying_an_older_version_makes_it_live_again_without_a_copy(database):
    text = load_catalogue().text
    newer = _edited(text, "2026-06")
    for version_text in (text, newer, text):
        with database.transaction() as session:
            deploy_catalogue(session, version_text, actor="owner1")
    assert _count(database) == 2 and _deploys(database) == 3
    with database.transaction(write=False) as session:
        assert live_catalogue(session).version == "2026-04"
        assert [v.version_label for v in list_catalogue_versions(session)] == ["2026-04", "2026-06"]


def test_an_invalid_catalogue_writes_nothing_and_leaves_the_live_one(database):
    document = repository_document()
    name_an_unknown_department(document)
    drop_a_required_field(document)
    with pytest.raises(CatalogueError) as caught:
        with database.transaction() as session:
            deploy_catalogue(session, dump(document), actor="owner1")
    assert len(caught.value.problems) == 2
    assert _count(database) == 0 and _deploys(database) == 0

    with database.transaction() as session:
        deploy_catalogue(session, load_catalogue().text, actor="owner1")
    with pytest.raises(CatalogueError):
        with database.transaction() as session:
            deploy_catalogue(session, "version: [", actor="owner1")
    assert _count(database) == 1 and _deploys(database) == 1
    with database.transaction(write=False) as session:
        assert live_catalogue(session).content_hash == load_catalogue().content_hash


def _a_transaction_waits_for_a_lock(database) -> bool:
    with database.engine.connect() as connection:
        return connection.scalar(sa_text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND wait_event_type = 'Lock'")) > 0


def test_concurrent_deploys_of_the_same_text_store_it_once(database):
    text = load_catalogue().text
    first_has_written = threading.Event()
    ids, errors = {}, []

    def hold_until_the_second_waits():
        """Keep the first transaction open until the second is blocked on it: on PostgreSQL, inserting the same
        content hash waits for the first transaction's row. SQLite lets one writer in at a time, so there the second
        transaction begins only after the first has committed and finds its row."""
        if database.dialect != "postgresql":
            return
        deadline = time.monotonic() + 30
        while not _a_transaction_waits_for_a_lock(database):
            assert time.monotonic() < deadline, "the second deploy never reached the insert"
            time.sleep(0.01)

    def deploy(name, wait_for=None):
        try:
            if wait_for is not None:
                assert wait_for.wait(30)
            with database.transaction() as session:
                ids[name] = deploy_catalogue(session, text, actor=name).id
                if wait_for is None:
                    first_has_written.set()
                    hold_until_the_second_waits()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deploy, args=("owner1",)),
               threading.Thread(target=deploy, args=("owner2", first_has_written))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert ids["owner1"] == ids["owner2"]
    assert _count(database) == 1 and _deploys(database) == 1
