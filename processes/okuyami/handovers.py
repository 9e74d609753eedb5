"""What each department wrote for the corner in its pre-check: its 「コーナーへの申し送り」, the procedures it dropped
(with the reason) and those it added, so that the visit screen, the case page and the counter's guidance sheet show
the same thing."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.runtime import WorkflowRuntime
from processes.departments import REGISTRY as DEPARTMENTS
from processes.okuyami.catalogue import load_catalogue

PRECHECK_STEP = "precheck"


@dataclass(frozen=True)
class ProcedureNote:
    id: str
    name: str
    reason: str = ""


@dataclass(frozen=True)
class DepartmentHandover:
    department: str
    department_name: str
    note: str
    dropped: tuple[ProcedureNote, ...]
    added: tuple[ProcedureNote, ...]
    documents_prepared: bool = False
    followup_requested: bool = False

    @property
    def has_news(self) -> bool:
        """Anything the counter should read before the family arrives."""
        return bool(self.note or self.dropped or self.added or self.followup_requested)


def department_handovers(session: Session, runtime: WorkflowRuntime, case_id: int) -> list[DepartmentHandover]:
    """One entry per completed pre-check of the case (the latest per department), from the pre-check task's own
    data: its assignment names the department (the process's result list is in completion order, not by
    department). A pre-check not yet done has no entry."""
    catalogue = load_catalogue()
    tasks = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.spec_name == PRECHECK_STEP, HumanTask.state == "COMPLETED")
        .order_by(HumanTask.id))

    def named(decision: dict) -> ProcedureNote:
        procedure = catalogue.get(decision.get("id"))
        return ProcedureNote(str(decision.get("id") or ""), procedure.name if procedure else "",
                             (decision.get("reason") or "").strip())

    latest: dict[str, DepartmentHandover] = {}
    for task in list(tasks):
        data = runtime.task_data(task.id, session=session)
        result = data.get("precheck_result")
        if not isinstance(result, dict):
            continue
        decisions = [d for d in result.get("decisions") or [] if isinstance(d, dict)]
        code = str((data.get("assignment") or {}).get("department") or task.department or "")
        department = DEPARTMENTS.get(code)
        latest[code] = DepartmentHandover(
            code, department.name if department else "", str(result.get("note") or "").strip(),
            tuple(named(d) for d in decisions if d.get("action") == "drop"),
            tuple(named(d) for d in decisions if d.get("action") == "add"),
            bool(result.get("documents_prepared")), bool(result.get("followup_requested")))
    return list(latest.values())
