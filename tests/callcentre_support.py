"""Helpers for the call centre's tests: contact bodies as the call screen sends them, at the case tests' clock."""
from __future__ import annotations

from tests.case_support import NOW

CALLER_NAME, CALLER_PHONE = "宮前 桜子", "090-1234-5678"


def contact(**changes) -> dict:
    """A phone call answered from the FAQ, five minutes long, at the test clock (NOW)."""
    body = {"channel": "phone", "counterpart_type": "citizen", "started_at": NOW.replace(minute=0).isoformat(),
            "ended_at": NOW.replace(minute=5).isoformat(), "category": "おくやみコーナーの予約・案内",
            "question": "おくやみコーナーの予約に必要なものを知りたい。", "answer": "死亡届の提出日と故人の生年月日をお伺いすると案内した。",
            "outcome": "answered", "faq_ids": [], "caller": {"gender": "female", "age_band": "50s",
                                                             "satisfaction": "satisfied"}}
    body.update(changes)
    return body


def handover(**changes) -> dict:
    """A question about long-term care the centre cannot answer, handed to 中原区's 高齢・障害課."""
    details = {"ward": "nakahara", "callback_name": CALLER_NAME, "callback_phone": CALLER_PHONE,
               "callback_time": "平日の午後", "note": "介護保険料の還付額を知りたいとのこと。"}
    details.update(changes.pop("handover", {}))
    return contact(category="介護保険", question="介護保険料の還付はいくらになるか。", answer="所管課から折り返すと伝えた。",
                   outcome="handed_over", handover=details, **changes)


def add_staff(database, tokens, name: str = "kourei_naka", role: str = "dept_staff", ward: str | None = "nakahara",
              department: str | None = "kourei_shogai") -> str:
    """An account the API tests' USERS do not have (中原区の高齢・障害課 by default) with its bearer token."""
    from engine import accounts
    from tests.web_support import add_user

    add_user(database, name, role, ward=ward, department=department)
    with database.transaction() as session:
        tokens[name] = accounts.issue_token(session, name)
    return name
