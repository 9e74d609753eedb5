"""Who may see a case's print packet: whoever may read the case with its personal data (the packet prints names,
addresses and dates). Another ward's case is "not found"; a department's staff, who read cases without personal
data, are refused."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.runtime import WorkflowRuntime
from processes.access import Actor, Forbidden, check_case_read, not_found, require_id, sees_personal_data
from processes.okuyami.cases import CASE_PROCESS


def check_packet_read(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> dict:
    """The case's data when `actor` may have its packet; raises NotFound or Forbidden otherwise."""
    require_id(case_id)
    try:
        summary = runtime.get_instance(case_id, session=session)
    except NotFound:
        raise not_found() from None
    if summary.process_id != CASE_PROCESS:
        raise not_found()
    data = runtime.instance_data(case_id, session=session)
    tasks = runtime.list_tasks(instance_id=case_id, session=session)
    check_case_read(actor, next((t.ward for t in tasks if t.ward), data.get("ward")))
    if not sees_personal_data(actor):
        raise Forbidden("the packet holds personal data",
                        user_message="印刷用の帳票には個人情報が含まれるため、この権限では取得できません。")
    return data
