"""The case's data as the screens read it (runtime.instance_data) follows the journey's main line: a side branch
that ends later (the family's reminder, an overdue notice) holds a copy of the data from when it split off and
must not bring back what the departments have since decided."""
from __future__ import annotations

from datetime import datetime

from processes.notifications.scheduling import fire_due_timers
from tests.case_support import JST, book_visit, precheck_everything


def test_the_reminder_sent_after_the_prechecks_does_not_bring_back_the_procedures_before_them(mail_platform, clock):
    runtime = mail_platform.runtime
    case = book_visit(runtime, datetime(2027, 2, 12, 10, 30, tzinfo=JST))
    precheck_everything(runtime, case)
    after_prechecks = runtime.instance_data(case.id)
    assert after_prechecks["procedures"] and "reminder" not in after_prechecks

    clock.move_to(datetime(2027, 2, 9, 9, 1, tzinfo=JST))
    assert fire_due_timers(mail_platform) == 1                      # the family's reminder, two business days before
    now = runtime.instance_data(case.id)
    assert now["procedures"] == after_prechecks["procedures"]
    assert [t.spec_name for t in runtime.list_tasks(instance_id=case.id)] == ["visit"]
