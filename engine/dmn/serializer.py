"""Storing a business rule task in a spec: the DMN file's text and the decision id, not the compiled closures.
On load the model comes from the compile cache (by content hash), so a spec loads without re-parsing a DMN file
this process has compiled before."""
from __future__ import annotations

import base64

from SpiffWorkflow.spiff.serializer.task_spec import SpiffBpmnTaskConverter

from .bpmn import DecisionEngine, DecisionTask
from .service import compiled_model


class DecisionTaskConverter(SpiffBpmnTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        engine: DecisionEngine = spec.dmnEngine
        reference = {"decision_id": engine.decision_id, "file": engine.model.file}
        try:
            reference["dmn"] = engine.model.source.decode("utf-8")
        except UnicodeDecodeError:
            reference["dmn_base64"] = base64.b64encode(engine.model.source).decode("ascii")
        dct["decision"] = reference
        return dct

    def from_dict(self, dct):
        reference = dct.pop("decision")
        content = (reference["dmn"].encode("utf-8") if "dmn" in reference
                   else base64.b64decode(reference["dmn_base64"]))
        dct["dmnEngine"] = DecisionEngine(compiled_model(content, reference["file"]), reference["decision_id"])
        return self.task_spec_from_dict(dct)


DMN_SERIALIZER_CONFIG = {DecisionTask: DecisionTaskConverter}
"""Converters to add to SpiffWorkflow's serializer configuration (engine/serialization.py does)."""
