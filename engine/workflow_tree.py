"""A workflow's stored tree, built straight from its tasks: the tree SpeclessWorkflowConverter.to_dict makes
through SpiffWorkflow's converter registry, several times faster.

The registry looks every value up by class, copies every dict it cleans and resolves each task's parent four
times; on a small case that is most of what persisting a step costs besides the database. Here each task's
parent is resolved once and plain JSON values pass through as they are. Anything else (a task or workflow of a
subclass, internal data holding a date or an event, the pending BPMN events) still goes through the registry,
and task data is left to the JSON encoder exactly as SpiffWorkflow's task converter leaves it, so the JSON
written is the same.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnSubWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.task import Task

_SCALARS = frozenset((str, int, float, bool, type(None)))
_KEPT_IDS = 100_000


def _plain(value) -> bool:
    """Whether the registry's conversion would hand `value` back unchanged (JSON types only, no callables)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        return all(_plain(item) for item in value.values())
    if kind is list or kind is tuple:
        return all(_plain(item) for item in value)
    return False


class TreeBuilder:
    """Builds the tree with `registry` (the spec-less serializer's) for whatever is not plain."""

    def __init__(self, registry):
        self._registry = registry
        self._task_typename = self._stock_typename(Task, TaskConverter)
        self._subflow_typename = self._stock_typename(BpmnSubWorkflow, BpmnSubWorkflowConverter)
        self._workflow_typename = registry.typenames[BpmnWorkflow]
        self._ids: dict = {}
        """Task ids as text: a task keeps its id for life and is written on every step of its case."""

    def _id(self, uuid) -> str:
        text = self._ids.get(uuid)
        if text is None:
            if len(self._ids) >= _KEPT_IDS:
                self._ids.clear()
            text = self._ids[uuid] = str(uuid)
        return text

    def _stock_typename(self, cls, converter_class) -> str | None:
        """The class's typename when the registry converts it with SpiffWorkflow's own converter (whose output
        this module reproduces); None sends every such object through the registry."""
        typename = self._registry.typenames.get(cls)
        to_dict = self._registry.convert_to_dict.get(typename)
        converter = getattr(getattr(to_dict, "args", (None, None))[1], "__self__", None)
        return typename if type(converter) is converter_class else None

    def _value(self, value):
        return value if _plain(value) else self._registry.convert(self._registry.clean(value))

    def workflow(self, workflow) -> dict:
        dct = self._flow(workflow)
        dct["subprocesses"] = {str(key): self._subflow(sub) for key, sub in workflow.subprocesses.items()}
        dct["bpmn_events"] = self._registry.convert(workflow.bpmn_events)
        dct["typename"] = self._workflow_typename
        return dct

    def _subflow(self, sub) -> dict:
        if type(sub) is not BpmnSubWorkflow or self._subflow_typename is None:
            return self._registry.convert(sub)
        dct = self._flow(sub)
        dct["parent_task_id"] = str(sub.parent_task_id)
        dct["spec"] = sub.spec.name
        dct["typename"] = self._subflow_typename
        return dct

    def _flow(self, flow) -> dict:
        tasks = flow.tasks
        return {
            "data": self._value(flow.data),
            "correlations": flow.correlations,
            "last_task": str(flow.last_task.id) if flow.last_task is not None else None,
            "success": flow.success,
            "completed": flow.completed,
            "tasks": {self._id(key): self._task(task, tasks) for key, task in tasks.items()},
            "root": str(flow.task_tree.id),
        }

    def _task(self, task, tasks: dict) -> dict:
        if type(task) is not Task or self._task_typename is None:
            return self._registry.convert(task)
        parent = tasks.get(task._parent)
        data = task.data
        if parent is None:
            delta = {}
        else:
            above = parent.data
            delta = {"updates": {key: value for key, value in data.items() if key not in above or value != above[key]},
                     "deletions": [key for key in above if key not in data]}
            data = {}
        ids = self._id
        return {
            "id": ids(task.id),
            "parent": ids(task._parent) if parent is not None else None,
            "children": [ids(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self._value(task.internal_data),
            "data": data,
            "delta": delta,
            "typename": self._task_typename,
        }
