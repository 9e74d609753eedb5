"""The demo FAQ: at least 60 items across the procedures' categories, the booking and the call centre, some
unpublished, some expired, and three weeks of searches behind the zero-hit report and the proposals."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from processes.demo.faq import seed_demo_faq
from processes.faq import categories, items, logs, synonyms
from processes.faq.models import FaqItem


def test_the_demo_faq_has_content_for_every_screen(database):
    with database.transaction() as session:
        assert seed_demo_faq(session)
        assert seed_demo_faq(session) == []                      # once
    with database.transaction(write=False) as session:
        every = list(session.scalars(select(FaqItem)))
        today = date.today()
        assert len(every) >= 60
        assert sum(not i.published for i in every) >= 2
        assert sum(bool(i.publish_end and i.publish_end < today) for i in every) >= 2
        assert any(i.audience == "supervisors" for i in every)
        assert sum(items.is_public(i, today) for i in every) >= 55
        paths = {node.path for node in categories.tree(session)}
        assert {"おくやみ手続 › 介護保険", "おくやみコーナーの予約", "コールセンターでの応対"} <= paths
        assert ("葬儀代", "葬祭費") in {(p.term, p.expands_to) for p in synonyms.proposals(session)}
        assert logs.zero_hit_report(session)[0].query == "葬儀代"
