"""A city's database at a country's size for the web benchmarks: the demo city seeded through the real code, then
its case rows copied up to N running cases and its task rows up to M completed tasks (plus one open task per
case), with PostgreSQL's COPY. Building a million rows takes minutes on a shared 2-core machine, so the database
is kept between runs: its name says its size, and its settings (the data key its blobs are encrypted with) are
kept in the bench data directory ($OKUYAMI_BENCH_DATA, default ~/.cache/okuyami-bench). A kept database is
brought to the current schema (alembic upgrade) before use; `rebuild=True` starts it again.
"""
from __future__ import annotations

import os
import random
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg

from bench.fixtures import PG_ADMIN_URL, sqlalchemy_pg_url
from engine import crypto
from engine.db.migrate import upgrade
from engine.settings import load_settings
from processes.demo.city import seed_demo
from processes.platform import build_platform

WARDS = ("kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao")
DATA_VERSION = 1
"""Bump when what is built changes: kept databases of another version are not used."""
TASK_COLUMNS = ("instance_id", "task_id", "spec_name", "title", "form", "lane", "role", "ward", "department", "state",
                "assignee", "due_at", "created_at", "completed_at", "completed_by")
CASE_COLUMNS = ("process_version_id", "process_id", "status", "workflow", "row_version", "ward", "wake_at",
                "created_at", "created_by", "updated_at", "ended_at")


@dataclass(frozen=True)
class CountryData:
    folder: Path
    """The instance folder (okuyami.toml with the database URL and the data key)."""
    database: str
    cases: int
    tasks: int
    built_seconds: float | None
    """None when a kept database was used."""


def data_dir() -> Path:
    return Path(os.environ.get("OKUYAMI_BENCH_DATA") or Path.home() / ".cache" / "okuyami-bench")


def _database_exists(name: str) -> bool:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _write_settings(folder: Path, database: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "okuyami.toml").write_text(
        f'database_url = "{sqlalchemy_pg_url(database)}"\nsecret_key = "{secrets.token_urlsafe(32)}"\n'
        f'data_key = "{crypto.generate_key()}"\n', encoding="utf-8")


def country_data(cases: int, completed_tasks: int, rebuild: bool = False, seed: int = 4) -> CountryData:
    """The kept database of this size, built first if there is none (or `rebuild`)."""
    name = f"okuyami_bench_country_v{DATA_VERSION}_{cases}_{completed_tasks}"
    folder = data_dir() / name
    if not rebuild and _database_exists(name) and (folder / "okuyami.toml").is_file() and (folder / "built").is_file():
        platform = build_platform(load_settings(folder, environ={}), require_current_schema=False)
        upgrade(platform.database)
        platform.database.dispose()
        counts = (folder / "built").read_text().split()
        return CountryData(folder, name, int(counts[0]), int(counts[1]), None)
    started = time.perf_counter()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    _write_settings(folder, name)
    (folder / "built").unlink(missing_ok=True)
    platform = build_platform(load_settings(folder, environ={}), require_current_schema=False)
    seed_demo(platform)
    platform.database.dispose()
    rng = random.Random(seed)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url) as connection:
        case_ids = _copy_cases(connection, cases, rng)
        task_count = _copy_tasks(connection, case_ids, completed_tasks, rng)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")  # the visibility map, so that counts can read the index alone
        total_cases = connection.execute("SELECT count(*) FROM process_instances").fetchone()[0]
    (folder / "built").write_text(f"{total_cases} {task_count}\n")
    return CountryData(folder, name, total_cases, task_count, time.perf_counter() - started)


def _copy_cases(connection, wanted: int, rng: random.Random) -> list[int]:
    """Copies the demo's running case rows (their encrypted blobs as they are) up to `wanted` running cases."""
    templates = connection.execute(
        f"SELECT {', '.join(CASE_COLUMNS)} FROM process_instances WHERE status = 'running' AND process_id = 'okuyami_case'"
    ).fetchall() or connection.execute(f"SELECT {', '.join(CASE_COLUMNS)} FROM process_instances").fetchall()
    have = connection.execute("SELECT count(*) FROM process_instances WHERE status = 'running'").fetchone()[0]
    now = datetime.now(timezone.utc)
    with connection.cursor() as cursor, cursor.copy(
            f"COPY process_instances ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
        for i in range(max(0, wanted - have)):
            row = list(templates[i % len(templates)])
            row[2], row[4], row[5] = "running", 1, rng.choice(WARDS)
            row[7] = row[9] = now - timedelta(minutes=rng.randint(10, 60 * 24 * 60))
            row[10] = None
            copy.write_row(row)
    connection.commit()
    return [r[0] for r in connection.execute("SELECT id FROM process_instances WHERE status = 'running'")]


def _copy_tasks(connection, case_ids: list[int], completed: int, rng: random.Random) -> int:
    """Up to `completed` COMPLETED task rows over the past year and one READY row per running case, copied from
    the demo's task rows (their roles, lanes, forms and departments) and spread over the wards."""
    templates = connection.execute(
        f"SELECT {', '.join(TASK_COLUMNS)} FROM human_tasks WHERE role IS NOT NULL").fetchall()
    users = {(r[0], r[1], r[2]): r[3] for r in connection.execute("SELECT role, ward, department, username FROM users")}
    have_completed = connection.execute("SELECT count(*) FROM human_tasks WHERE state = 'COMPLETED'").fetchone()[0]
    have_open = {r[0] for r in connection.execute("SELECT instance_id FROM human_tasks WHERE state = 'READY'")}
    now = datetime.now(timezone.utc)
    with connection.cursor() as cursor, cursor.copy(f"COPY human_tasks ({', '.join(TASK_COLUMNS)}) FROM STDIN") as copy:
        for n in range(max(0, completed - have_completed)):
            row = list(rng.choice(templates))
            ward = rng.choice(WARDS)
            created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 365))
            done_by = users.get((row[6], ward, row[8])) or users.get((row[6], None, None)) or "operator1"
            row[0], row[1], row[7], row[9] = case_ids[n % len(case_ids)], str(uuid.UUID(int=rng.getrandbits(128))), \
                ward, "COMPLETED"
            row[10], row[11], row[12], row[13], row[14] = done_by, created + timedelta(days=3), created, \
                created + timedelta(hours=rng.randint(1, 48)), done_by
            copy.write_row(row)
        for case_id in case_ids:
            if case_id in have_open:
                continue
            row = list(rng.choice(templates))
            created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 30))
            row[0], row[1], row[7], row[9] = case_id, str(uuid.UUID(int=rng.getrandbits(128))), rng.choice(WARDS), \
                "READY"
            row[10], row[11], row[12], row[13], row[14] = None, created + timedelta(days=rng.randint(-3, 10)), created, \
                None, None
            copy.write_row(row)
    connection.commit()
    return connection.execute("SELECT count(*) FROM human_tasks").fetchone()[0]
