"""One function per source of figures, each over a Period of days in Asia/Tokyo.

A report takes every figure from here or from processes/reports/sections.py; a section whose source is not in the
system yet answers `None`, which the report shows as 「データなし」. No function returns personal data: counts,
ratios, durations and the city's codes only.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.callcentre.models import OPEN, CitizenVoice, ContactCallback, ContactRecord
from processes.calls.statistics import Period, statistics
from processes.okuyami.visit_models import CaseVisit

BOOKING, WALK_IN = "booking", "walk_in"
FOLLOWUP_FORM = "followup.json"


def call_figures(session: Session, period: Period) -> dict:
    """The phone system's figures (the same function as GET /api/v1/calls/stats)."""
    figures = statistics(session, period)
    keys = ("offered", "answered", "answered_within_10s", "abandoned", "service_level",
            "first_contact_resolution", "average_speed_of_answer_s", "average_handling_time_s")
    return {key: figures[key] for key in keys} | {
        "by_hour": [{k: h[k] for k in ("hour", "offered", "answered", "answered_within_10s")}
                    for h in figures["by_hour"] if h["offered"]]}


def _contacts(session: Session, period: Period) -> list[ContactRecord]:
    return list(session.scalars(select(ContactRecord).where(
        ContactRecord.started_at >= period.start, ContactRecord.started_at < period.end,
        ContactRecord.deleted_at.is_(None))))


def contact_figures(session: Session, period: Period) -> dict:
    """The contact records (応対履歴) started in the period: by channel, category and outcome; citizen voice by
    kind and department; hand-overs and callbacks still open at the period's end."""
    records = _contacts(session, period)
    ids = [r.id for r in records]
    voices = list(session.scalars(select(CitizenVoice).where(CitizenVoice.contact_id.in_(ids)))) if ids else []
    open_handovers = session.scalars(select(ContactRecord.id).where(
        ContactRecord.inquiry_state == OPEN, ContactRecord.started_at < period.end,
        ContactRecord.deleted_at.is_(None))).all()
    open_callbacks = session.scalars(select(ContactCallback.id).join(
        ContactRecord, ContactRecord.id == ContactCallback.contact_id).where(
        ContactRecord.started_at < period.end, ContactRecord.deleted_at.is_(None))).all()
    return {
        "total": len(records),
        "by_channel": dict(Counter(r.channel for r in records)),
        "by_category": dict(Counter(r.category or "" for r in records).most_common()),
        "by_outcome": dict(Counter(r.outcome for r in records)),
        "handed_over": sum(1 for r in records if r.handover_department),
        "open_handovers": len(open_handovers),
        "open_callbacks": len(open_callbacks),
        "citizen_voice": len(voices),
        "citizen_voice_by_kind": dict(Counter(v.kind for v in voices)),
        "citizen_voice_by_department": dict(Counter(v.department or "" for v in voices)),
    }


def _minutes(visit: CaseVisit) -> float | None:
    if visit.checked_in_at is None or visit.checked_out_at is None:
        return None
    return round((visit.checked_out_at - visit.checked_in_at).total_seconds() / 60, 1)


CORNER_BANDS = ((30, "under_30"), (60, "30_60"), (90, "60_90"), (None, "over_90"))


def corner_bands(minutes: list[float]) -> dict[str, int]:
    """How many visits took under 30 minutes, 30 to 60, 60 to 90 and 90 or more (the corner time's distribution)."""
    bands = dict.fromkeys((code for _, code in CORNER_BANDS), 0)
    for value in minutes:
        bands[next(code for limit, code in CORNER_BANDS if limit is None or value < limit)] += 1
    return bands


def visit_figures(session: Session, period: Period) -> dict[str, dict]:
    """The corner's visits whose day falls in the period, per ward: bookings held, bookings cancelled, walk-ins,
    visits checked in, and the corner time (check-in to check-out, minutes): median and longest."""
    visits = session.scalars(select(CaseVisit).where(
        CaseVisit.visit_on >= period.first, CaseVisit.visit_on <= period.last)).all()
    by_ward: dict[str, list[CaseVisit]] = defaultdict(list)
    for visit in visits:
        by_ward[visit.ward].append(visit)
    result = {}
    for ward, rows in sorted(by_ward.items()):
        minutes = [m for m in map(_minutes, rows) if m is not None]
        result[ward] = {
            "bookings": sum(1 for v in rows if v.channel == BOOKING and v.cancelled_at is None),
            "cancelled": sum(1 for v in rows if v.channel == BOOKING and v.cancelled_at is not None),
            "walk_ins": sum(1 for v in rows if v.channel == WALK_IN),
            "visits": sum(1 for v in rows if v.checked_in_at is not None),
            "corner_minutes_median": median(minutes) if minutes else None,
            "corner_minutes_longest": max(minutes) if minutes else None,
            "corner_minutes_bands": corner_bands(minutes),
        }
    return result



def task_figures(session: Session, period: Period) -> dict:
    """The human tasks: follow-up calls done in the period, tasks still open past their due time at its end."""
    from engine.db.models import HumanTask
    from engine.runtime.human_tasks import COMPLETED, READY

    followups = session.scalars(select(HumanTask.id).where(
        HumanTask.form == FOLLOWUP_FORM, HumanTask.state == COMPLETED,
        HumanTask.completed_at >= period.start, HumanTask.completed_at < period.end)).all()
    overdue = session.scalars(select(HumanTask.id).where(
        HumanTask.state == READY, HumanTask.due_at.is_not(None), HumanTask.due_at < period.end)).all()
    return {"followup_calls": len(followups), "overdue_tasks": len(overdue)}


def online_request_figures(session: Session, period: Period) -> dict:
    """The requests that came in from the public side (online booking requests, inquiry forms) in the period."""
    from processes.public.models import PublicRequest

    kinds = session.scalars(select(PublicRequest.kind).where(
        PublicRequest.received_at >= period.start, PublicRequest.received_at < period.end)).all()
    return {"total": len(kinds), "by_kind": dict(Counter(kinds))}
