"""The demo city's FAQ: the items of faq_items.yaml in their categories (some unpublished, some expired, some for
supervisors only, one not yet started), two accepted synonyms, and three weeks of searches so that the zero-hit
report and the synonym proposals have content. Runs once (skipped when the FAQ has items)."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.calendar import JST, today_jst
from processes.faq import categories, items, logs, search, synonyms
from processes.faq.models import FaqCategory, FaqItem

SEED = Path(__file__).with_name("faq_items.yaml")
ACTOR = "supervisor1"
RELATED = [("葬祭費はいくら支給されますか。", "葬祭費の申請に必要なものは何ですか。"),
           ("遺族年金の請求はどこでできますか。", "国民年金の手続はどこでできますか。"),
           ("おくやみコーナーの予約はどうすればよいですか。", "おくやみコーナーに持っていくものは何ですか。")]
# (what the caller said and found nothing, what the operator searched next and used), and how often
SEARCH_HABITS = [("葬儀代", "葬祭費", 6), ("年金止める", "受給権者死亡届", 3), ("免許返納", "運転免許証", 2),
                 ("名義変え", "名義変更", 2)]
ZERO_HIT_ONLY = [("火葬場の予約", 4), ("お墓の引っ越し", 3), ("香典返し", 1), ("死亡診断書 再発行", 2)]
ORDINARY = ["年金", "戸籍", "相続", "予約", "介護保険", "マイナンバー", "葬祭費", "世帯主", "保険証", "持ち物"]


def _category_id(session: Session, path: str) -> int:
    parent = None
    for name in path.split(" › "):
        found = session.scalar(select(FaqCategory.id).where(
            FaqCategory.name == name, FaqCategory.parent_id.is_(None) if parent is None else
            FaqCategory.parent_id == parent))
        parent = found or categories.create(session, name, parent).id
    return parent


def _body(session: Session, entry: dict) -> dict:
    today = today_jst()
    body = {"question": entry["q"], "answer": entry["a"], "categories": [_category_id(session, entry["category"])],
            "keywords": entry.get("kw", []), "published": entry.get("published", True),
            "audience": entry.get("audience", "all"),
            "related_urls": [dict(zip(("title", "url"), u.split("|", 1))) for u in entry.get("urls", [])]}
    if "until" in entry:
        body["publish_start"] = (today + timedelta(days=entry["until"] - 300)).isoformat()
        body["publish_end"] = (today + timedelta(days=entry["until"])).isoformat()
    if "from" in entry:
        body["publish_start"] = (today + timedelta(days=entry["from"])).isoformat()
    return body


def _searches(session: Session) -> None:
    """Three weeks of operators' searches in weekday office hours, each call its own search session."""
    rng = random.Random(15)
    today = today_jst()

    def moment(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(9 + rng.randrange(7), rng.randrange(60)),
                                JST)

    def call(queries: list[str], days_ago: int) -> None:
        at, session_id = moment(days_ago), search.new_session_id()
        for query in queries:
            found = search.search(session, query, "operator", session_id, limit=1, log=False)
            logs.record_search(session, session_id, query, found.total, at)
            at += timedelta(seconds=40)
            if found.items and query == queries[-1]:
                logs.record_use(session, session_id, found.items[0], at + timedelta(seconds=30))

    for missed, worked, times in SEARCH_HABITS:
        for _ in range(times):
            call([missed, worked], rng.randrange(1, 22))
    for query, times in ZERO_HIT_ONLY:
        for _ in range(times):
            call([query], rng.randrange(1, 22))
    for _ in range(40):
        call([rng.choice(ORDINARY)], rng.randrange(1, 22))


def seed_demo_faq(session: Session) -> list[str]:
    if session.scalar(select(FaqItem.id).limit(1)) is not None:
        return []
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for path in data["categories"]:
        _category_id(session, path)
    created = {}
    for entry in data["items"]:
        created[entry["q"]] = items.create(session, _body(session, entry), ACTOR)
    for first, second in RELATED:
        items.update(session, created[first], {"related_faq_ids": [created[second].id]}, ACTOR)
        items.update(session, created[second], {"related_faq_ids": [created[first].id]}, ACTOR)
    synonyms.add(session, "葬式", "葬儀", ACTOR)
    synonyms.add(session, "死亡一時金", "遺族年金", ACTOR)
    _searches(session)
    return [f"faq {len(created)} items, {len(data['categories'])} categories, three weeks of searches"]
