"""The call centre's rules on its task forms (registered with the task platform by processes/platform.py): a
department's callback and a citizen-voice review are checked against their inquiry, and their result is recorded
on the contact record in the same transaction."""
from __future__ import annotations

from processes.callcentre.inquiry import INQUIRY_FORMS, inquiry_errors, record_inquiry_result
from processes.tasks.form_rules import Completion, FormRules


def _check(c: Completion) -> None:
    inquiry_errors(c.session, c.runtime, c.task, c.data)


def _record(c: Completion) -> None:
    record_inquiry_result(c.session, c.runtime, c.task, c.data, c.actor)


def register(rules: FormRules) -> None:
    rules.before_completion(INQUIRY_FORMS, _check)
    rules.after_completion(INQUIRY_FORMS, _record)
