"""Who may see a case's print packet: whoever may read the case with its personal data (the packet prints names,
addresses and dates). Another ward's case is "not found"; a department's staff, who read cases without personal
data, are refused."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.runtime import WorkflowRuntime
from processes.okuyami.case_view import readable_case
from processes.tasks.access import Actor, Forbidden, sees_personal_data


def check_packet_read(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> dict:
    """The case's data when `actor` may have its packet; raises NotFound or Forbidden otherwise."""
    _summary, data, _tasks = readable_case(session, runtime, actor, case_id)
    if not sees_personal_data(actor):
        raise Forbidden("the packet holds personal data",
                        user_message="印刷用の帳票には個人情報が含まれるため、この権限では取得できません。")
    return data
