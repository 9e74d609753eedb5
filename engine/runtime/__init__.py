"""Running process instances: start, complete, cancel, list; persisted with their task and audit tables."""
from .service import InstanceSummary, WorkflowRuntime

__all__ = ["InstanceSummary", "WorkflowRuntime"]
