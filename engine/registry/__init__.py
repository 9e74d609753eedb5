"""The model registry: validate BPMN/DMN files, deploy them as versions, hand out cached specs."""
from .problems import ModelSource, Problem
from .roles import LanePolicy
from .store import DeployResult, ModelRegistry

__all__ = ["DeployResult", "LanePolicy", "ModelRegistry", "ModelSource", "Problem"]
