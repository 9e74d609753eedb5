"""The demo city's survey answers: eight weeks of anonymous answers for every ward (as if pulled from the public
side), each with its answered sheet token, so the reports show satisfaction per ward and month from the start."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.calendar import today_jst
from processes.public import sealing
from processes.public.models import SurveyAnswer, SurveyToken
from processes.public.survey import SHEET, token_hash, week_of
from processes.wards import load_wards

WEEKS = 8
COMMENTS = ["職員の方が丁寧に説明してくださり、安心しました。", "一度にまとめて手続ができて助かりました。",
            "待ち時間が少し長く感じました。", "持ち物の案内が事前にあればよかったです。",
            "電話がなかなかつながりませんでした。", "", "", ""]


def seed_demo_survey(session: Session) -> list[str]:
    """Once: answers for each ward over the last eight weeks (fixed random seed, so every demo looks alike)."""
    if session.scalar(select(SurveyAnswer.id).limit(1)) is not None:
        return []
    chance = random.Random(17)
    today = today_jst()
    count = 0
    for ward in load_wards():
        for days_ago in range(WEEKS * 7, 0, -1):
            visited = today - timedelta(days=days_ago)
            if visited.weekday() >= 5 or chance.random() > 0.6:
                continue
            token = sealing.random_code(12)
            session.add(SurveyToken(token_hash=token_hash(token), ward=ward, week_start=week_of(visited),
                                    kind=SHEET, issued_on=visited, answered=True))
            comment = chance.choice(COMMENTS)
            session.add(SurveyAnswer(
                public_id=f"S-DEMO-{ward}-{days_ago}", ward=ward, week_start=week_of(visited),
                answered_on=visited + timedelta(days=chance.choice([0, 1, 2])), source=SHEET,
                corner_satisfaction=chance.choices([5, 4, 3, 2, 1], [45, 35, 12, 6, 2])[0],
                callcentre_satisfaction=chance.choices([5, 4, 3, 2, 1, None], [30, 35, 15, 8, 2, 10])[0],
                time_felt_right=chance.random() < 0.8, comment=comment.encode("utf-8") if comment else None,
                received_at=utcnow()))
            count += 1
    return [f"survey answers {count}"]
