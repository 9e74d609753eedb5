"""Starting a bereavement case: by a call to the reservation centre, or by a family walking in."""
from __future__ import annotations

from typing import Literal

from engine.runtime import InstanceSummary, WorkflowRuntime

CASE_PROCESS = "okuyami_case"
Channel = Literal["booking", "walk_in"]


def start_case(runtime: WorkflowRuntime, channel: Channel, actor: str, ward: str | None = None,
               session=None) -> InstanceSummary:
    """A booked case begins with the operator's booking task; a walk-in with the counter's intake task."""
    if channel not in ("booking", "walk_in"):
        raise ValueError(f"unknown channel {channel!r}")
    return runtime.start(CASE_PROCESS, actor, data={"channel": channel}, ward=ward, session=session)
