"""The monthly report's further sections, each from its source over a Period (Asia/Tokyo days): the staffing
forecast against the seats staffed, the FAQ's use, the procedures handled at the corner, the incidents and the
survey. Counts, ratios and the city's codes only: nothing here carries personal data.
"""
from __future__ import annotations

import importlib
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from processes.calendar.slots import JST
from processes.calls.statistics import Period, by_day
from processes.faq.models import FaqItem, FaqItemUse, FaqSearchLog
from processes.okuyami.visit_models import CaseVisit
from processes.reports.models import Incident
from processes.reports.survey_comments import mask

CENTRE_HOURS = range(9, 17)
TOP = 10
ZERO_HIT_MIN_SESSIONS = 2
SURVEY_MODULE = "processes.public.survey_results"


def staffing_figures(session: Session, period: Period) -> dict:
    """For each hour band of the centre's day, over the period's days that had calls: the calls forecast, the seats
    the forecast needs (Erlang C, 85 % within 10 s) and the seats staffed, as the mean of those days; and how many
    hours were staffed below the need."""
    from processes.calls.staffing import staffing

    days = [date.fromisoformat(d["date"]) for d in by_day(session, period) if d["offered"]]
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    short = 0
    for day in days:
        for hour in staffing(session, day)["hours"]:
            if hour["hour"] not in CENTRE_HOURS:
                continue
            row = sums[hour["hour"]]
            row[0] += hour["forecast_calls"]
            row[1] += hour["required_seats"]
            row[2] += hour["staffed_seats"]
            short += hour["staffed_seats"] < hour["required_seats"]
    count = len(days)
    hours = [{"hour": h, "forecast_calls": round(sums[h][0] / count, 1), "required_seats": round(sums[h][1] / count, 1),
              "staffed_seats": round(sums[h][2] / count, 1)} for h in CENTRE_HOURS] if count else []
    return {"days": count, "hours": hours, "short_hours": short}


def faq_figures(session: Session, period: Period) -> dict:
    """The FAQ items used most in the period (operators opening or citing them) and the searches that found
    nothing, most frequent first. An operator may type a family's name or number into the search: a term that
    found nothing goes into a report only when searched in ZERO_HIT_MIN_SESSIONS sessions or more (a question
    families ask, not one family), with phone numbers and e-mail addresses masked."""
    uses = session.execute(select(FaqItem.number, FaqItem.question, func.count(FaqItemUse.id))
                           .join(FaqItem, FaqItem.id == FaqItemUse.item_id)
                           .where(FaqItemUse.at >= period.start, FaqItemUse.at < period.end)
                           .group_by(FaqItem.number, FaqItem.question)
                           .order_by(func.count(FaqItemUse.id).desc(), FaqItem.number).limit(TOP)).all()
    searches = session.scalar(select(func.count(FaqSearchLog.id)).where(
        FaqSearchLog.at >= period.start, FaqSearchLog.at < period.end)) or 0
    zero = session.execute(select(func.min(FaqSearchLog.query), func.count(FaqSearchLog.id))
                           .where(FaqSearchLog.at >= period.start, FaqSearchLog.at < period.end,
                                  FaqSearchLog.hits == 0)
                           .group_by(FaqSearchLog.normalised)
                           .having(func.count(distinct(FaqSearchLog.session_id)) >= ZERO_HIT_MIN_SESSIONS)
                           .order_by(func.count(FaqSearchLog.id).desc(), FaqSearchLog.normalised).limit(TOP)).all()
    return {"searches": searches,
            "top_items": [{"number": n, "question": q, "uses": c} for n, q, c in uses],
            "zero_hit_queries": [{"query": mask(q), "searches": c} for q, c in zero]}


def incident_figures(session: Session, period: Period) -> dict:
    """The incidents (随時報告) that happened in the period: kind, day, personal data involved, state."""
    rows = session.scalars(select(Incident).where(Incident.occurred_at >= period.start,
                                                  Incident.occurred_at < period.end)
                           .order_by(Incident.occurred_at, Incident.id)).all()
    return {"total": len(rows), "by_kind": dict(Counter(r.kind for r in rows)),
            "items": [{"number": r.id, "kind": r.kind, "occurred_on": r.occurred_at.astimezone(JST).date().isoformat(),
                       "personal_data": r.personal_data, "state": r.state,
                       "submitted_on": r.submitted_at.astimezone(JST).date().isoformat() if r.submitted_at else None}
                      for r in rows]}


def procedure_figures(session: Session, runtime, period: Period) -> dict | None:
    """The procedures guided at the corner's visits that ended in the period, by the visit's outcome for each
    (completed at the corner, guided to a counter, mailed, not needed): the most frequent procedures and the share
    completed at the corner. Read from each visited case's own record of its visit."""
    if runtime is None:
        return None
    ids = session.scalars(select(CaseVisit.instance_id).where(
        CaseVisit.checked_out_at >= period.start, CaseVisit.checked_out_at < period.end)).all()
    per_procedure: dict[str, Counter] = defaultdict(Counter)
    outcomes: Counter = Counter()
    for instance_id in ids:
        for entry in runtime.instance_data(instance_id, session=session).get("outcomes") or []:
            if isinstance(entry, dict) and entry.get("id") and entry.get("outcome"):
                per_procedure[entry["id"]][entry["outcome"]] += 1
                outcomes[entry["outcome"]] += 1
    handled = sum(outcomes.values()) - outcomes.get("not_needed", 0)
    top = sorted(per_procedure.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:TOP]
    return {"visits": len(ids), "handled": handled, "by_outcome": dict(outcomes),
            "corner_share": (outcomes.get("corner", 0) / handled) if handled else None,
            "top": [{"id": pid, "total": sum(c.values()), **{k: c.get(k, 0) for k in
                                                             ("corner", "guided", "mailed", "not_needed")}}
                    for pid, c in top]}


def survey_module():
    """The survey answers' figures (processes/public/survey_results.py), or None while they are not built."""
    try:
        return importlib.import_module(SURVEY_MODULE)
    except ImportError:
        return None


def survey_figures(session: Session, period: Period) -> dict | None:
    """Satisfaction of the corner and of the call centre from the survey answers of the period (None: no survey
    source in this system yet, shown as 「データなし」)."""
    module = survey_module()
    if module is None:
        return None
    figures = dict(module.satisfaction(session, period.first, period.last))
    if hasattr(module, "corner_minutes"):
        figures["corner_minutes"] = module.corner_minutes(session, period.first, period.last)
    figures["centre_satisfaction"] = figures.get("callcentre_satisfaction")
    return figures
