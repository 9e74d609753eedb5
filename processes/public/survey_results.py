"""The survey's figures for the reports (spec 5(3)④): satisfaction per ward over a period of answer days, and
beside it the corner time (check-in to check-out) per ward over the same period of visit days.

    satisfaction(session, start, end, ward=None) -> {"answers", "corner_satisfaction", "callcentre_satisfaction",
                                                      "time_felt_right_share", "by_ward": {ward: {same keys}}}
    corner_minutes(session, start, end, ward=None) -> {"count", "median", "by_ward": {ward: {"count", "median"}}}

Both days inclusive; a mean or share is None when no answer gave that point. No personal data: the answers are
anonymous and the comments are not read here."""
from __future__ import annotations

import datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.okuyami.visit_models import CaseVisit
from processes.public.models import SurveyAnswer


def _figures(rows: list[tuple]) -> dict:
    corner = [r[1] for r in rows if r[1] is not None]
    centre = [r[2] for r in rows if r[2] is not None]
    felt = [r[3] for r in rows if r[3] is not None]
    return {
        "answers": len(rows),
        "corner_satisfaction": round(sum(corner) / len(corner), 2) if corner else None,
        "callcentre_satisfaction": round(sum(centre) / len(centre), 2) if centre else None,
        "time_felt_right_share": round(sum(1 for f in felt if f) / len(felt), 3) if felt else None,
    }


def satisfaction(session: Session, start: datetime.date, end: datetime.date, ward: str | None = None) -> dict:
    query = select(SurveyAnswer.ward, SurveyAnswer.corner_satisfaction, SurveyAnswer.callcentre_satisfaction,
                   SurveyAnswer.time_felt_right).where(SurveyAnswer.answered_on >= start,
                                                       SurveyAnswer.answered_on <= end)
    if ward is not None:
        query = query.where(SurveyAnswer.ward == ward)
    rows = [tuple(row) for row in session.execute(query)]
    wards: dict[str, list[tuple]] = {}
    for row in rows:
        wards.setdefault(row[0], []).append(row)
    return {**_figures(rows), "by_ward": {code: _figures(found) for code, found in sorted(wards.items())}}


def _minutes(values: list[float]) -> dict:
    return {"count": len(values), "median": round(median(values), 1) if values else None}


def corner_minutes(session: Session, start: datetime.date, end: datetime.date, ward: str | None = None) -> dict:
    query = select(CaseVisit.ward, CaseVisit.checked_in_at, CaseVisit.checked_out_at).where(
        CaseVisit.visit_on >= start, CaseVisit.visit_on <= end,
        CaseVisit.checked_in_at.is_not(None), CaseVisit.checked_out_at.is_not(None))
    if ward is not None:
        query = query.where(CaseVisit.ward == ward)
    wards: dict[str, list[float]] = {}
    every: list[float] = []
    for code, checked_in, checked_out in session.execute(query):
        minutes = (checked_out - checked_in).total_seconds() / 60
        if minutes < 0:
            continue
        wards.setdefault(code, []).append(minutes)
        every.append(minutes)
    return {**_minutes(every), "by_ward": {code: _minutes(found) for code, found in sorted(wards.items())}}
