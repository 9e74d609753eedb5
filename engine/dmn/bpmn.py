"""SpiffWorkflow's business rule task on our engine.

`OkuyamiBpmnParser` compiles DMN files with engine.dmn (any number of decisions per file, cached by content hash)
and gives each `businessRuleTask` (spiffworkflow:calledDecisionId) a `DecisionEngine`, the object SpiffWorkflow's
BusinessRuleTaskMixin calls as `dmnEngine.result(task)`. `DecisionTask` writes the outputs into the task data
replacing what the keys held: a corrected interview re-run through the task gives the new result, not the old
one merged with it (stock SpiffWorkflow deep-merges, so a shorter list keeps stale items).
"""
from __future__ import annotations

import logging

from lxml import etree
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask

from .errors import DecisionError, DmnCompileError
from .evaluate import evaluate_decision
from .model import Decision, DmnModel
from .service import compiled_model
from .shapes import as_task_data

log = logging.getLogger(__name__)


class DecisionEngine:
    """One decision of a compiled DMN model, as a business rule task's `dmnEngine`."""

    def __init__(self, model: DmnModel, decision_id: str):
        self.model = model
        self.decision_id = decision_id

    @property
    def decision(self) -> Decision:
        return self.model.decisions[self.decision_id]

    @property
    def decision_table(self) -> Decision:
        """What callers of SpiffWorkflow's DMNEngine read (`.decision_table.id`): here the decision itself."""
        return self.decision

    def evaluate(self, data) -> dict:
        """The decision's outputs for this task data: {output name: value} (a list of values per output for a
        table that collects), JSON-friendly."""
        if self.model.problems:
            raise DmnCompileError(self.model.file, self.model.problems)
        decision = self.decision
        return as_task_data(decision, evaluate_decision(self.model, decision, data))

    def result(self, task) -> dict:
        return self.evaluate(task.data)


def replace_outputs(data: dict, outputs: dict) -> None:
    """Set each output in the task data, replacing the earlier value. `a.b` names a nested entry."""
    for key, value in outputs.items():
        target = data
        *path, leaf = key.split(".") if "." in key else (key,)
        for part in path:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[leaf] = value


class DecisionTask(BusinessRuleTask):
    """A business rule task whose decision outputs replace the task data keys they name."""

    def _run_hook(self, my_task):
        try:
            outputs = self.dmnEngine.result(my_task)
        except (DecisionError, DmnCompileError) as exc:
            log.warning("business rule task %s: %s", self.bpmn_id, exc)
            error = WorkflowTaskException(str(exc), task=my_task, exception=exc)
            error.add_note(f"Business Rule Task '{self.bpmn_name}'.")
            raise error from exc
        replace_outputs(my_task.data, outputs)
        return super(BusinessRuleTaskMixin, self)._run_hook(my_task)


class DecisionTaskParser(BusinessRuleTaskParser):
    def create_task(self):
        extensions = self.parse_extensions()
        return DecisionTask(
            self.spec, self.bpmn_id,
            dmnEngine=self.process_parser.parser.get_engine(self.get_decision_ref(self.node), self.node),
            prescript=extensions.get("preScript"), postscript=extensions.get("postScript"), **self.bpmn_attributes)


class OkuyamiBpmnParser(SpiffBpmnParser):
    """SpiffBpmnParser whose DMN side is engine.dmn. DMN files are not checked against the DMN XSD: our compiler
    checks what it evaluates and reports in Japanese (the registry turns `dmn_models[file].problems` into
    deploy problems)."""

    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("businessRuleTask"): (DecisionTaskParser, DecisionTask)}

    def __init__(self, namespaces=None, validator=None, dmn_schemas=None):
        super().__init__(namespaces, validator, dmn_schemas)
        self.dmn_models: dict[str, DmnModel] = {}
        """file name -> compiled model"""
        self.decision_files: dict[str, str] = {}
        """decision id -> file name"""

    def add_dmn_xml(self, node, filename=None, content: bytes | None = None):
        """`content`: the file's bytes, when the caller has them (what is stored with the spec and hashed)."""
        if content is None:
            content = etree.tostring(node, encoding="utf-8", xml_declaration=True)
        filename = filename or f"dmn-{len(self.dmn_models) + 1}.dmn"
        model = compiled_model(content, filename, node)
        for decision_id in model.decisions:
            other = self.decision_files.get(decision_id)
            if other is not None and other != filename:
                raise ValidationException(f"判定の id「{decision_id}」は {other} にもあります。id は全ファイルで重複しないようにしてください",
                                          file_name=filename)
        self.dmn_models[filename] = model
        for decision_id in model.decisions:
            self.decision_files[decision_id] = filename

    def get_engine(self, decision_ref, node):
        filename = self.decision_files.get(decision_ref)
        if filename is None:
            available = "、".join(sorted(self.decision_files)) or "なし"
            raise ValidationException(f"判定「{decision_ref}」がどの DMN ファイルにもありません（登録されている判定: {available}）",
                                      node=node, file_name="")
        return DecisionEngine(self.dmn_models[filename], decision_ref)
