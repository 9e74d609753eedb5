"""The satisfaction survey (spec 5(3)④) on the staff side: tokens for the guidance sheet and the corner's tablet,
the export's part (token hashes with their ward and week, nothing of a case), and the answers pulled back.

A sheet token names only the ward and the week of the visit; no table links it to the case that printed it. It
takes one answer (the public side refuses a second, and so does this side). A tablet token belongs to a ward's
corner and takes any number of answers, each counted in the week it was given."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.calendar import today_jst
from processes.public import sealing
from processes.public.models import SurveyAnswer, SurveyToken
from processes.wards import load_wards

NAME = "survey"
SHEET, TABLET = "sheet", "tablet"
TOKEN_LENGTH = 12
KEPT_WEEKS = 12
"""A sheet token is answerable for twelve weeks after it was printed."""
COMMENT_LIMIT = 2000


def token_hash(token: str) -> str:
    return hashlib.sha256(sealing.normalise_code(token).encode("ascii", "replace")).hexdigest()


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def issue(session: Session, ward: str, visit_on: date | None, kind: str = SHEET) -> str:
    """A new token for the ward and the week of the visit (today's week when the day is unknown)."""
    token = sealing.random_code(TOKEN_LENGTH)
    today = today_jst()
    session.add(SurveyToken(token_hash=token_hash(token), ward=ward, week_start=week_of(visit_on or today),
                            kind=kind, issued_on=today, answered=False))
    session.flush()
    return token


def issue_tablet(session: Session, ward: str) -> str:
    """The corner's tablet token for a ward; the ward's earlier tablet tokens stop working."""
    if ward not in load_wards():
        raise ValueError(f"unknown ward {ward!r}")
    session.execute(update(SurveyToken).where(SurveyToken.ward == ward, SurveyToken.kind == TABLET)
                    .values(answered=True))
    return issue(session, ward, None, TABLET)


def survey_path(token: str) -> str:
    return f"/survey/{token}"


def build(session: Session, today: date) -> dict:
    """The export's part: every answerable token's hash, its kind, ward and week (never a case)."""
    oldest = today - timedelta(weeks=KEPT_WEEKS)
    rows = session.execute(select(SurveyToken.token_hash, SurveyToken.kind, SurveyToken.ward, SurveyToken.week_start)
                           .where(SurveyToken.answered.is_(False),
                                  or_(SurveyToken.kind == TABLET, SurveyToken.issued_on >= oldest))
                           .order_by(SurveyToken.id))
    return {"tokens": [{"hash": h, "kind": kind, "ward": ward, "week": week.isoformat()}
                       for h, kind, ward, week in rows]}


def _point(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


def receive(session: Session, number: str, payload: dict) -> str | None:
    """Stores one pulled answer; returns None, or the reason it cannot be counted (kept for the supervisor)."""
    if session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.public_id == number)) is not None:
        return None                                                       # pulled before
    hashed = payload.get("token_hash")
    token = session.scalars(select(SurveyToken).where(SurveyToken.token_hash == hashed)).first() \
        if isinstance(hashed, str) else None
    if token is None:
        return "アンケートの回答票が見つかりません（発行されていない回答票です）。"
    if token.answered:
        return ("このアンケートの回答票は既に回答済みです。" if token.kind == SHEET
                else "このタブレット用の回答票は新しいものに置き換えられています。")
    try:
        answered_on = date.fromisoformat(payload.get("answered_on", ""))
    except (TypeError, ValueError):
        return "回答日が読み取れません。"
    felt = payload.get("time_felt_right")
    comment = payload.get("comment") if isinstance(payload.get("comment"), str) else ""
    session.add(SurveyAnswer(
        public_id=number, ward=token.ward,
        week_start=token.week_start if token.kind == SHEET else week_of(answered_on),
        answered_on=answered_on, source=token.kind,
        corner_satisfaction=_point(payload.get("corner_satisfaction")),
        callcentre_satisfaction=_point(payload.get("callcentre_satisfaction")),
        time_felt_right=felt if isinstance(felt, bool) else None,
        comment=comment[:COMMENT_LIMIT].encode("utf-8") if comment.strip() else None, received_at=utcnow()))
    if token.kind == SHEET:
        token.answered = True
    return None


def for_packet(session: Session, ward: str | None, visit_on: date | None, public_url: str) -> dict | None:
    """A fresh sheet token for the printed guidance sheet of a case in `ward` visiting on `visit_on`: the short
    address and its QR code as PNG (the packet's docx prints it). None for a case without a ward."""
    import io

    import segno

    if not ward:
        return None
    token = issue(session, ward, visit_on)
    address = public_url.rstrip("/") + survey_path(token)
    png = io.BytesIO()
    segno.make(address, error="m").save(png, kind="png", scale=8, border=2)
    return {"address": address, "qr_png": png.getvalue()}


def for_guidance(session: Session, case_id: int, public_url: str) -> dict | None:
    """A fresh sheet token for a case's guidance sheet (its ward and the week of its visit; the token row does not
    name the case): the short address and its QR code as inline SVG. None for a case without a visit row."""
    import segno

    from processes.okuyami.visit_models import CaseVisit

    visit = session.get(CaseVisit, case_id)
    if visit is None:
        return None
    token = issue(session, visit.ward, visit.visit_on)
    address = public_url.rstrip("/") + survey_path(token)
    qr = segno.make(address, error="m").svg_inline(scale=3, omitsize=False, title="アンケートのQRコード")
    return {"address": address, "qr_svg": qr}
