"""The staff's daily screens: worklists, task forms, booking, the case and visit screens, the print packet,
notifications and the supervisor's deadline view."""
from web.staff import (
    booking,
    cases,
    counter_day,
    notifications,
    packets,
    precheck,
    supervisor,
    task_forms,
    visit,
    worklist,
)

BLUEPRINTS = [
    worklist.bp,
    task_forms.bp,
    booking.bp,
    precheck.bp,
    cases.bp,
    visit.bp,
    counter_day.bp,
    packets.bp,
    notifications.bp,
    supervisor.bp,
]
