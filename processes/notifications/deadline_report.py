"""The supervisor's deadline report (for the daily log): open tasks that are overdue or due soon, by ward and
department, with how long they have been open and how far past their deadline; and the escalations waiting
for a supervisor. "Due soon" means by 17:00 of the next business day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from processes.calendar import JST, BusinessCalendar
from processes.notifications.escalation import REVIEW_TASK


@dataclass(frozen=True)
class ReportRow:
    task: HumanTask
    overdue: bool
    open_for: timedelta
    late_by: timedelta | None


@dataclass(frozen=True)
class ReportGroup:
    ward: str | None
    department: str | None
    rows: list[ReportRow]

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


@dataclass(frozen=True)
class DeadlineReport:
    now: datetime
    soon_until: datetime
    groups: list[ReportGroup]
    escalations: list[ReportRow]

    @property
    def overdue_count(self) -> int:
        return sum(g.overdue_count for g in self.groups)

    @property
    def soon_count(self) -> int:
        return sum(len(g.rows) for g in self.groups) - self.overdue_count


def soon_limit(now: datetime, calendar: BusinessCalendar | None = None) -> datetime:
    calendar = calendar or BusinessCalendar.default()
    next_day = calendar.next_business_day(now.astimezone(JST).date())
    return calendar.followup_deadline(next_day, 0)


def _row(task: HumanTask, now: datetime) -> ReportRow:
    overdue = task.due_at is not None and task.due_at <= now
    return ReportRow(task, overdue, now - task.created_at, now - task.due_at if overdue else None)


def deadline_report(session: Session, now: datetime, ward: str | None = None) -> DeadlineReport:
    """`ward`: only that ward's tasks (a supervisor scoped to one ward); None: every ward."""
    until = soon_limit(now)
    query = select(HumanTask).where(HumanTask.state == "READY", HumanTask.due_at.is_not(None),
                                    HumanTask.due_at <= until)
    reviews = select(HumanTask).where(HumanTask.state == "READY", HumanTask.spec_name == REVIEW_TASK)
    if ward is not None:
        query, reviews = query.where(HumanTask.ward == ward), reviews.where(HumanTask.ward == ward)
    tasks = sorted(session.scalars(query), key=lambda t: (t.ward or "", t.department or "", t.due_at, t.id))
    groups = [ReportGroup(w, d, [_row(t, now) for t in items])
              for (w, d), items in groupby(tasks, key=lambda t: (t.ward, t.department))]
    escalations = [_row(t, now) for t in session.scalars(reviews.order_by(HumanTask.created_at, HumanTask.id))]
    return DeadlineReport(now, until, groups, escalations)


def duration_ja(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}日{hours}時間"
    return f"{hours}時間{minutes}分" if hours else f"{minutes}分"
