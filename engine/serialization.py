"""Workflow and spec serialization. A stored workflow holds no spec: the spec lives once per process version.

Stock `serialize_json` embeds the whole parsed spec in every instance; here the workflow converter leaves it
out on the way in and is handed the cached spec objects on the way out.
"""
from __future__ import annotations

import json
import zlib
from contextvars import ContextVar
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .dmn.serializer import DMN_SERIALIZER_CONFIG
from .workflow_tree import TreeBuilder

_COMPRESSION_LEVEL = 6
_STEP_COMPRESSION_LEVEL = 1
"""A workflow is compressed on every step: level 1 takes about a third of level 6's time for ~5 % more bytes."""
_specs_for_restore: ContextVar[tuple] = ContextVar("okuyami_specs_for_restore")


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = _specs_for_restore.get()
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry(workflow_converter=None):
    config = dict(SPIFF_CONFIG)
    config.update(DMN_SERIALIZER_CONFIG)
    if workflow_converter is not None:
        config[BpmnWorkflow] = workflow_converter
    return BpmnWorkflowSerializer.configure(config)


class WorkflowCodec:
    """Turns workflows and specs into compact bytes and back (compression here, encryption in the column type)."""

    def __init__(self):
        self._specless = BpmnWorkflowSerializer(_registry(SpeclessWorkflowConverter))
        self._stock = BpmnWorkflowSerializer(_registry())
        self._tree = TreeBuilder(self._specless.registry)

    def dump_workflow(self, workflow: BpmnWorkflow) -> bytes:
        dct = self._tree.workflow(workflow)
        dct[self._specless.VERSION_KEY] = self._specless.VERSION
        return zlib.compress(json.dumps(dct, separators=(",", ":"), cls=self._specless._encoder_cls).encode(),
                             _STEP_COMPRESSION_LEVEL)

    def load_workflow(self, blob: bytes, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
        dct = json.loads(zlib.decompress(blob))
        self._specless.migrate(dct)
        token = _specs_for_restore.set((spec, subprocess_specs))
        try:
            workflow = self._specless.from_dict(dct)
        finally:
            _specs_for_restore.reset(token)
        workflow.script_engine = script_engine
        return workflow

    def dump_spec(self, spec, subprocess_specs: dict) -> bytes:
        dct = {"spec": self._stock.to_dict(spec),
               "subprocess_specs": {name: self._stock.to_dict(s) for name, s in subprocess_specs.items()}}
        return zlib.compress(json.dumps(dct, sort_keys=True, separators=(",", ":")).encode(), _COMPRESSION_LEVEL)

    def load_spec(self, blob: bytes) -> tuple[object, dict]:
        dct = json.loads(zlib.decompress(blob))
        spec = self._stock.from_dict(dct["spec"])
        subprocess_specs = {name: self._stock.from_dict(s) for name, s in dct["subprocess_specs"].items()}
        return spec, subprocess_specs

    def stock_json(self, workflow: BpmnWorkflow) -> str:
        """What stock SpiffWorkflow would store for this instance (for comparison in bench/)."""
        return self._stock.serialize_json(workflow)
