"""The counter's day: every visit of one ward on one day (bookings and walk-ins), in slot order, with the family's
names, where the visit stands, each department's pre-check and whether the print packet is ready. Read from the
case_visits rows and the task and packet tables; a stored packet counts as ready only while it was made from what
the case is now (its content hash), so that case's data is read then. Showing the names is audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask, ProcessInstance
from engine.db.types import utcnow
from engine.runtime import WorkflowRuntime, audit
from processes.calendar import JST, today_jst
from processes.departments import REGISTRY as DEPARTMENTS
from processes.documents.models import CasePacket
from processes.documents.packet_content import packet_content
from processes.okuyami.visit_models import CaseVisit
from processes.tasks.access import Actor, require
from processes.tasks.queries import is_overdue

DAY_READERS = frozenset({"counter", "supervisor"})
BOOKED, AT_COUNTER, DONE, NO_SHOW, WAITING = "booked", "at_counter", "done", "no_show", "waiting"
STATE_LABELS = {BOOKED: "予約", AT_COUNTER: "受付中", DONE: "完了", NO_SHOW: "未来庁", WAITING: "受付前（予約なし）"}
PRECHECK_LABELS = {"done": "完了", "open": "未了", "overdue": "期限超過"}
PACKET_LABELS = {"ready": "準備済み", "generating": "作成中", "failed": "作成に失敗", "stale": "作り直し待ち（内容が変わりました）",
                 None: "未作成"}


@dataclass(frozen=True)
class PrecheckState:
    department: str
    department_name: str
    state: str

    @property
    def label(self) -> str:
        return PRECHECK_LABELS[self.state]


@dataclass(frozen=True)
class DayVisit:
    case_id: int
    start: datetime | None
    walk_in: bool
    deceased: str
    applicant: str
    state: str
    prechecks: tuple[PrecheckState, ...]
    packet: str | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    visit_open: bool

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def packet_label(self) -> str:
        return PACKET_LABELS.get(self.packet, PACKET_LABELS[None])

    @property
    def packet_ready(self) -> bool:
        return self.packet == "ready"


def _state(row: CaseVisit, day: date, today: date) -> str:
    if row.checked_out_at is not None:
        return DONE
    if row.checked_in_at is not None:
        return AT_COUNTER
    if day < today:
        return NO_SHOW
    return WAITING if row.channel == "walk_in" else BOOKED


def _prechecks(tasks: list[HumanTask]) -> tuple[PrecheckState, ...]:
    latest: dict[str, HumanTask] = {}
    for task in sorted(tasks, key=lambda t: t.id):
        latest[task.department or ""] = task
    states = []
    for code, task in sorted(latest.items()):
        state = "done" if task.state == "COMPLETED" else "overdue" if is_overdue(task) else "open"
        department = DEPARTMENTS.get(code)
        states.append(PrecheckState(code, department.name if department else "", state))
    return tuple(states)


def _packet_states(session: Session, runtime: WorkflowRuntime, ids: list[int], closed: set[int]) -> dict[int, str]:
    """Each stored packet's state as the visit screen shows it: a packet made from an earlier state of the case
    (or a failure of one), or one whose worker stopped before finishing, is stale, not ready. Once the visit is
    closed the packet has been handed over: the outcomes recorded at check-out do not make it stale."""
    states = {}
    now = utcnow()
    for case_id, status, made_from, claimed_until in session.execute(
            select(CasePacket.case_id, CasePacket.status, CasePacket.content_hash, CasePacket.claimed_until)
            .where(CasePacket.case_id.in_(ids))):
        if status == "generating" and (claimed_until is None or claimed_until < now):
            status = "stale"
        elif status in ("ready", "failed") and case_id not in closed \
                and packet_content(session, runtime, case_id).content_hash != made_from:
            status = "stale"
        states[case_id] = status
    return states


def counter_day(session: Session, runtime: WorkflowRuntime, actor: Actor, ward: str, day: date) -> list[DayVisit]:
    """The ward's visits on `day` (a counter sees only its own ward: another ward is refused as not found by the
    caller choosing the actor's ward); cancelled bookings are left out. The names are a personal-data read. A stored
    packet is checked against the case as it is now (see _packet_states)."""
    require(actor.role in DAY_READERS)
    rows = list(session.scalars(
        select(CaseVisit).join(ProcessInstance, ProcessInstance.id == CaseVisit.instance_id)
        .where(CaseVisit.ward == ward, CaseVisit.visit_on == day, CaseVisit.cancelled_at.is_(None))))
    ids = [row.instance_id for row in rows]
    tasks: dict[int, list[HumanTask]] = {i: [] for i in ids}
    visits_open: set[int] = set()
    packets: dict[int, str] = {}
    if ids:
        for task in session.scalars(select(HumanTask).where(
                HumanTask.instance_id.in_(ids), HumanTask.spec_name.in_(("precheck", "visit")),
                HumanTask.state.in_(("READY", "COMPLETED")))):
            if task.spec_name == "visit":
                if task.state == "READY":
                    visits_open.add(task.instance_id)
            else:
                tasks[task.instance_id].append(task)
        packets = _packet_states(session, runtime, ids, {r.instance_id for r in rows if r.checked_out_at is not None})
    today = today_jst()
    visits = []
    for row in rows:
        names = row.family_names()
        visits.append(DayVisit(
            row.instance_id, row.slot_start.astimezone(JST) if row.slot_start else None, row.channel == "walk_in",
            names.get("deceased", ""), names.get("applicant", ""), _state(row, day, today),
            _prechecks(tasks[row.instance_id]), packets.get(row.instance_id),
            row.checked_in_at.astimezone(JST) if row.checked_in_at else None,
            row.checked_out_at.astimezone(JST) if row.checked_out_at else None, row.instance_id in visits_open))
        audit.record(session, actor.username, "case.viewed", instance_id=row.instance_id,
                     detail={"personal_data": True, "via": "counter_day"})
    return sorted(visits, key=lambda v: (v.start is None, v.start or v.checked_in_at or datetime.max.replace(tzinfo=JST),
                                         v.case_id))
