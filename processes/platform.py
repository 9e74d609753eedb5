"""The composition root: the generic engine wired with this city's roles, forms and settings."""
from __future__ import annotations

from dataclasses import dataclass

from engine import crypto
from engine.db.migrate import current_revision, head_revision, is_up_to_date
from engine.db.session import Database
from engine.documents import bounded as bounded_rendering
from engine.errors import ConfigurationError
from engine.registry import ModelRegistry, ModelSource
from engine.registry.checks import CheckRules
from engine.registry.store import sources_in
from engine.runtime import WorkflowRuntime
from engine.settings import Settings
from processes.administration import live as administered_values
from processes.callcentre import form_rules as callcentre_form_rules
from processes.modelling.deploy_checks import saved_examples_check
from processes.okuyami import form_rules as okuyami_form_rules
from processes.okuyami.services import SERVICES
from processes.okuyami.task_deadlines import deadline_rule_problem, task_deadline
from processes.public import booking_requests as public_booking_requests
from processes.public import inquiries as public_inquiries
from processes.reports import incidents as report_incidents
from processes.roles import lane_policy
from processes.tasks.form_rules import FORM_RULES, FormRules


def register_form_rules(rules: FormRules) -> None:
    """The city's business rules on its task forms, for the generic task platform's completion."""
    okuyami_form_rules.register(rules)
    callcentre_form_rules.register(rules)
    public_booking_requests.register(rules)
    public_inquiries.register(rules)
    report_incidents.register(rules)


FORM_RULES.compose(register_form_rules)


@dataclass
class Platform:
    settings: Settings
    database: Database
    registry: ModelRegistry
    runtime: WorkflowRuntime

    def repository_models(self) -> list[ModelSource]:
        return sources_in([self.settings.bpmn_dir, self.settings.dmn_dir])


def check_rules(settings: Settings) -> CheckRules:
    task_forms = settings.forms_dir / "tasks"
    return CheckRules(lanes=lane_policy(), form_exists=lambda name: (task_forms / name).is_file(),
                      services=frozenset(SERVICES), task_property_check=deadline_rule_problem,
                      deploy_checks=(saved_examples_check,))


def build_platform(settings: Settings, require_current_schema: bool = True) -> Platform:
    """Everything the web app, the CLI and the worker share. Refuses to start without keys outside the demo,
    and on a database whose schema is not at the latest migration."""
    settings.require_production_secrets()
    crypto.configure(settings.data_keys)
    bounded_rendering.configure(settings.template_seconds)
    database = Database(settings.database_url)
    if require_current_schema and not is_up_to_date(database):
        raise ConfigurationError(
            f"database schema is not up to date (revision {current_revision(database)!r}, expected "
            f"{head_revision(database)!r}): run `okuyami db upgrade`",
            user_message="データベースの構成が最新ではありません。`okuyami db upgrade` を実行してください。")
    if require_current_schema:
        administered_values.refresh(database, force=True)  # the admin's wards, slots, closures, departments
    registry = ModelRegistry(check_rules(settings))
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=settings.script_timeout_seconds,
                              services=SERVICES, deadline_policy=task_deadline)
    return Platform(settings, database, registry, runtime)
