"""The bereavement case's rules on its task forms (registered with the task platform by processes/platform.py):
a booking or walk-in intake obeys the same rules as creating a case, a visit cannot end before check-in, a
department's pre-check decides each of its procedures."""
from __future__ import annotations

from processes.okuyami.booking import RESERVATION_FORMS, validate_intake_task
from processes.okuyami.clerk_entry import normalise_reservation
from processes.okuyami.precheck import PRECHECK_FORM, precheck_errors
from processes.okuyami.visit_checks import VISIT_FORM, check_visit_completion
from processes.tasks.form_rules import Completion, FormRules
from processes.tasks.validation import ValidationFailed


def _clerk_entry(data: dict) -> dict:
    """和暦 and Western dates as ISO, half-width kana and hiragana as full-width katakana (unreadable dates stay as
    typed: the intake rule names them with the era's range)."""
    return normalise_reservation(data)[0]


def _intake(c: Completion) -> None:
    validate_intake_task(c.forms_dir, c.task.form, c.data, c.session, c.runtime, c.task.instance_id)


def _visit(c: Completion) -> None:
    check_visit_completion(c.session, c.task.instance_id, c.data)


def _precheck(c: Completion) -> None:
    assignment = c.runtime.task_data(c.task.id, session=c.session).get("assignment") or {}
    errors = precheck_errors(assignment, c.data.get("precheck_result"))
    if errors:
        raise ValidationFailed(errors)


def register(rules: FormRules) -> None:
    rules.before_validation(RESERVATION_FORMS, _clerk_entry)
    rules.before_completion(RESERVATION_FORMS, _intake)
    rules.before_completion([VISIT_FORM], _visit)
    rules.before_completion([PRECHECK_FORM], _precheck)
