"""Issue #15's figures: the FAQ search's p95 over 5,000 items (SQLite FTS5 trigram and PostgreSQL pg_trgm), beside
a primary-key lookup in the same run, and the public FAQ's search page in requests per second (2 worker processes
on one port, `okuyami public serve`), beside a static file served by the same server in the same run.

    python -m bench.faq [--quick]

The 5,000 items are the demo FAQ's questions and answers varied (numbered, words swapped in), written in bulk and
indexed as the application indexes them. Each search is one transaction with its search log, as an operator's
search is. Load: keep-alive clients in threads of this process (they share the 2 cores with the server, so the
figures are a floor). Nothing is asserted: this is a report (targets: p95 < 30 ms; >= 1,000 req/s).
"""
from __future__ import annotations

import argparse
import http.client
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
import yaml
from sqlalchemy import insert, select

from bench.fixtures import PG_ADMIN_URL, free_port, postgres_unreachable_reason, requests_per_second, wait_for_port
from bench.worklist import percentile
from engine import crypto
from engine.db.migrate import upgrade
from engine.db.session import Database
from processes.calendar import today_jst
from processes.demo.faq import SEED
from processes.faq import search
from processes.faq.models import FaqCategory, FaqItem, FaqItemCategory
from processes.faq.normalise import normalise
from processes.faq.search_index import ensure_fts
from processes.public.export import export

TARGET_P95_MS, TARGET_RPS = 30.0, 1000.0
QUERIES = ["年金", "戸籍", "相続", "葬祭費", "マイナンバー", "介護保険証", "世帯主変更", "葬儀代", "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ 返納",
           "年金事務所 遺族", "予約", "保険証"]
PUBLIC_QUERY = "葬祭費"
WORDS = ["川崎区", "幸区", "中原区", "高津区", "宮前区", "多摩区", "麻生区", "郵送", "窓口", "代理人", "期限", "必要書類"]


def items_rows(count: int, rng: random.Random) -> list[dict]:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))["items"]
    now = datetime.now(timezone.utc)
    rows = []
    for number in range(1, count + 1):
        entry = seed[number % len(seed)]
        word = rng.choice(WORDS)
        question = f"{entry['q']}（{word}・{number}）" if number > len(seed) else entry["q"]
        answer = f"{entry['a']}\n\n{word}の場合も同じです。整理番号 {number}。"
        keywords = list(entry.get("kw", []))
        sq, sa = normalise(question), normalise(answer)
        sk = " ".join(normalise(k) for k in keywords)
        rows.append({"id": number, "number": number, "question": question, "answer": answer, "keywords": keywords,
                     "related_urls": [], "published": True, "audience": "all", "use_count": rng.randrange(50),
                     "search_question": sq, "search_keywords": sk, "search_answer": sa,
                     "search_text": f"{sq}\n{sk}\n{sa}", "version": 1, "created_at": now, "created_by": "bench",
                     "updated_at": now, "updated_by": "bench"})
    return rows


def fill(database: Database, count: int, rng: random.Random) -> None:
    with database.transaction() as session:
        session.execute(insert(FaqCategory), [{"id": 1, "name": "おくやみ手続", "parent_id": None, "position": 1}])
        rows = items_rows(count, rng)
        for start in range(0, len(rows), 500):
            session.execute(insert(FaqItem), rows[start:start + 500])
        session.execute(insert(FaqItemCategory), [{"item_id": r["id"], "category_id": 1} for r in rows])
    with database.transaction() as session:
        ensure_fts(session)
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE faq_items")


def time_searches(database: Database, runs: int) -> tuple[list[float], list[float], dict[str, int]]:
    lookups, searches, hits = [], [], {}
    for index in range(runs):
        query = QUERIES[index % len(QUERIES)]
        started = time.perf_counter()
        with database.transaction() as session:
            session.scalar(select(FaqItem.id).where(FaqItem.id == 1 + index % 5000))
        lookups.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with database.transaction() as session:
            hits[query] = search.search(session, query, "operator", None).total
        searches.append((time.perf_counter() - started) * 1000)
    return lookups, searches, hits


def public_figures(database: Database, seconds: float) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="okuyami-bench-public-") as out:
        with database.transaction(write=False) as session:
            manifest = export(session, Path(out), today_jst())
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "web.public.serve", out, str(port), "2"],
                                  cwd=Path(__file__).resolve().parent.parent)
        try:
            wait_for_port(port)
            search_path = f"/faq/search?q={quote(PUBLIC_QUERY)}"
            for _ in range(8):                  # each worker builds its index on its first request
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", search_path)
                connection.getresponse().read()
                connection.close()
            static = requests_per_second(port, "/static/public.css", seconds, clients=8)
            page = requests_per_second(port, search_path, seconds, clients=8)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return static, page, manifest["parts"]["faq"]["items"]


def uncached_page_ms(database: Database, runs: int) -> tuple[float, float]:
    """Server time of the static file and of a search page rendered afresh (the page cache emptied each time),
    in-process, p95 in ms."""
    from web.public import faq as public_faq
    from web.public.app import create_public_app

    with tempfile.TemporaryDirectory(prefix="okuyami-bench-public-") as out:
        with database.transaction(write=False) as session:
            export(session, Path(out), today_jst())
        client = create_public_app(out).test_client()
        client.get("/faq")
        static, page = [], []
        for index in range(runs):
            started = time.perf_counter()
            client.get("/static/public.css")
            static.append((time.perf_counter() - started) * 1000)
            public_faq._cache.pages.clear()
            started = time.perf_counter()
            client.get(f"/faq/search?q={quote(QUERIES[index % len(QUERIES)])}")
            page.append((time.perf_counter() - started) * 1000)
    return percentile(static, 0.95), percentile(page, 0.95)


def report(label: str, lookups: list[float], searches: list[float], hits: dict[str, int]) -> None:
    p95, base = percentile(searches, 0.95), percentile(lookups, 0.95)
    verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
    print(f"  {label:<11} lookup p95 {base:6.2f} ms   search median {percentile(searches, 0.5):6.2f} ms  "
          f"p95 {p95:6.2f} ms = {p95 / base:5.1f}x the lookup; target p95 < {TARGET_P95_MS:.0f} ms: {verdict}", flush=True)
    print("              hits: " + ", ".join(f"{q} {n}" for q, n in hits.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer searches, shorter load")
    quick = parser.parse_args(argv).quick
    runs, seconds, count = (120, 3.0, 5000) if quick else (600, 10.0, 5000)
    crypto.configure([crypto.generate_key()])
    rng = random.Random(15)
    print(f"FAQ search over {count:,} items, {runs} searches each (one transaction with its log):", flush=True)
    with tempfile.TemporaryDirectory(prefix="okuyami-bench-faq-") as tmp:
        sqlite = Database(f"sqlite:///{tmp}/faq.db")
        upgrade(sqlite)
        fill(sqlite, count, rng)
        report("SQLite", *time_searches(sqlite, runs))
        static, page, exported = public_figures(sqlite, seconds)
        static_ms, uncached_ms = uncached_page_ms(sqlite, runs)
        sqlite.dispose()
    reason = postgres_unreachable_reason()
    if reason:
        print(f"  PostgreSQL  skipped ({reason})")
    else:
        name = f"okuyami_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            postgres = Database(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
                                + f"/{name}")
            upgrade(postgres)
            fill(postgres, count, rng)
            report("PostgreSQL", *time_searches(postgres, runs))
            postgres.dispose()
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    verdict = "met" if page >= TARGET_RPS else "MISSED"
    print(f"\nPublic FAQ ({exported:,} items exported), 2 worker processes, 8 keep-alive clients, {seconds:.0f} s each:")
    print(f"  static file (baseline)       {static:8.1f} req/s")
    print(f"  /faq/search?q={PUBLIC_QUERY}      {page:8.1f} req/s = {page / static:.2f}x the static file; "
          f"target >= {TARGET_RPS:.0f} req/s: {verdict}")
    print("  (a repeated search is served from the page cache; a search rendered afresh, in-process, p95 "
          f"{uncached_ms:.1f} ms = {uncached_ms / static_ms:.1f}x the static file's {static_ms:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
