"""Finding a task in a workflow by its id, tolerating tasks the engine has removed."""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException


def find_task(workflow, task_id: str):
    """The task, or None when the engine has removed it (e.g. the instances of a cancelled multi-instance task)."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None
