"""What each department wrote for the corner in its pre-check: its 「コーナーへの申し送り」, the procedures it dropped
(with the reason) and those it added, so that the visit screen, the case page, the guidance screen and the printed
guidance sheet's counter page show the same thing."""
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


def handover(code: str, result: dict, catalogue) -> DepartmentHandover:
    """What one department's completed pre-check (its `precheck_result`) tells the corner."""
    decisions = [d for d in result.get("decisions") or [] if isinstance(d, dict)]
    department = DEPARTMENTS.get(code)

    def named(decision: dict) -> ProcedureNote:
        procedure = catalogue.get(decision.get("id"))
        return ProcedureNote(str(decision.get("id") or ""), procedure.name if procedure else "",
                             (decision.get("reason") or "").strip())

    return DepartmentHandover(
        code, department.name if department else "", str(result.get("note") or "").strip(),
        tuple(named(d) for d in decisions if d.get("action") == "drop"),
        tuple(named(d) for d in decisions if d.get("action") == "add"),
        bool(result.get("documents_prepared")), bool(result.get("followup_requested")))


def handovers_from_results(results, catalogue=None) -> list[DepartmentHandover]:
    """The same, from the case's own data once every department is done (`precheck_results`, as the process
    collected them): a result names its department, or its procedures do. Used where no task is read (the
    printed guidance sheet)."""
    catalogue = catalogue or load_catalogue()
    latest: dict[str, DepartmentHandover] = {}
    for result in results or []:
        if not isinstance(result, dict):
            continue
        code = str(result.get("department") or "")
        if not code:
            procedures = [catalogue.get(d.get("id")) for d in result.get("decisions") or [] if isinstance(d, dict)]
            code = next((p.department for p in procedures if p is not None), "")
        latest[code] = handover(code, result, catalogue)
    return list(latest.values())


def department_handovers(session: Session, runtime: WorkflowRuntime, case_id: int) -> list[DepartmentHandover]:
    """One entry per completed pre-check of the case (the latest per department), from the pre-check task's own
    data: its assignment names the department (the process's result list is in completion order, not by
    department). A pre-check not yet done has no entry."""
    catalogue = load_catalogue()
    tasks = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.spec_name == PRECHECK_STEP, HumanTask.state == "COMPLETED")
        .order_by(HumanTask.id))
    latest: dict[str, DepartmentHandover] = {}
    tasks = list(tasks)
    data_by_task = runtime.tasks_data(case_id, [t.task_id for t in tasks], session=session) if tasks else {}
    for task in tasks:
        data = data_by_task[task.task_id]
        result = data.get("precheck_result")
        if not isinstance(result, dict):
            continue
        code = str((data.get("assignment") or {}).get("department") or task.department or "")
        latest[code] = handover(code, result, catalogue)
    return list(latest.values())
