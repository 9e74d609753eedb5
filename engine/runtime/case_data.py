"""The case's current data as its workflow holds it, its stored form beside the workflow, and a per-process memo of
it for the instance's stored row.

Each step writes the data it leaves (compressed JSON, encrypted like the workflow) into the instance row's
case_data, so a process that does not hold the workflow reads the case from that instead of decoding the workflow.
Data that JSON cannot give back exactly (a date object, a tuple) is not stored; such a row is read from its workflow.

Working the data out walks the workflow's tasks; a case is read about ten times for each step it takes, so each
app process keeps the result for the row it was read from (its row_version and creation moment, as the workflow
cache stamps its entries, and the key ring in use). Data read from a row the reading transaction wrote itself is
kept only once that transaction commits, so a step rolled back never leaves its data behind. Callers get a copy
of the top level; nested values are shared, as they are with the workflow itself: never change them in place.
"""
from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

from .. import crypto


def case_data(workflow: BpmnWorkflow) -> dict:
    """The instance's current data. Not simply the last completed task's: a side branch (a reminder, an overdue
    notice) holds a copy of the data from when it split off, and may end after the main line has moved on. The
    main line is the modelled task that has come furthest (the deepest one still waiting or ready; boundary
    events only listen, with their host's old data); what the ended side branches recorded is kept where the
    main line has nothing of its own under that name."""
    if workflow.is_completed():
        return dict((workflow.last_task or workflow.task_tree).data)
    live, ended = _live_and_ended(workflow)
    main = max(live, key=lambda t: t.depth, default=workflow.last_task or workflow.task_tree)
    data: dict = {}
    for task in sorted(ended, key=lambda t: t.last_state_change):
        data.update(task.data)
    data.update(main.data)
    return data


_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def _live_and_ended(workflow: BpmnWorkflow) -> tuple[list, list]:
    """The live modelled tasks and the completed end events, in the order `workflow.get_tasks(state=...)` gives
    each: one walk, where SpiffWorkflow's task iterator takes two and several times as long (it runs on every
    step). Like the iterator, the walk goes depth first, enters every subprocess before its host's children and
    looks below a task only in the states each query can find something under: FUTURE and later for the live
    tasks, COMPLETED and later for the ended branches. (The iterator also stops 1,000 levels down, which no
    case's tree comes near.)"""
    subprocesses = workflow.subprocesses
    live, ended = [], []
    stack = [(workflow.task_tree, True)]  # (task, whether the walk for COMPLETED reaches it)
    while stack:
        task, reached_by_ended = stack.pop()
        state, spec = task._state, task.task_spec
        if state & _LIVE and getattr(spec, "bpmn_id", None) and not isinstance(spec, BoundaryEvent):
            live.append(task)
        elif reached_by_ended and state == TaskState.COMPLETED and isinstance(spec, EndEvent):
            ended.append(task)
        subprocess = subprocesses.get(task.id)
        if subprocess is None and (not task._children or state < TaskState.FUTURE):
            continue
        below_for_ended = reached_by_ended and (subprocess is not None or state >= TaskState.COMPLETED)
        tasks = task.workflow.tasks
        for child_id in reversed(task._children):
            stack.append((tasks.get(child_id), below_for_ended))
        if subprocess is not None:
            stack.append((subprocess.task_tree, below_for_ended))
    return live, ended


def stored_case_data(data: dict) -> bytes | None:
    """The data as the instance row keeps it (before encryption), or None when JSON would not give it back as it is."""
    try:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    if json.loads(text) != data:
        return None
    return zlib.compress(text.encode(), 1)


def read_stored_case_data(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob))


class CaseDataMemo:
    def __init__(self, size: int):
        self._size = size
        self._entries: OrderedDict[int, tuple[tuple, object, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, instance_id: int, stamp: tuple) -> dict | None:
        """A copy of the data kept for the row with this stamp under the current key ring, or None."""
        with self._lock:
            entry = self._entries.get(instance_id)
            if entry is None or entry[0] != stamp or entry[1] is not crypto.keyring():
                return None
            self._entries.move_to_end(instance_id)
        return dict(entry[2])

    def put(self, instance_id: int, stamp: tuple, data: dict) -> None:
        with self._lock:
            self._entries[instance_id] = (stamp, crypto.keyring(), dict(data))
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
