"""The city's deadline rules (dmn/deadlines.dmn, decision `deadlines`): how many business days after the visit the
follow-up call is due, when an overdue task goes to a supervisor, at what time the family is reminded.

The case process evaluates the decision in its business rule task `deadline_rules`, so a case keeps the rules of
the model version it started on; its outputs are in the task data under `deadlines`. A case started on a version
without that task gets the repository's table, evaluated here by the same DMN engine.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from engine.dmn.service import DecisionService
from engine.settings import PROJECT_ROOT

from processes.calendar.errors import CalendarError
from processes.calendar.slots import JST

DEADLINES_FILE = PROJECT_ROOT / "dmn" / "deadlines.dmn"
DECISION = "deadlines"
DAY_RULES = ("followup_business_days", "followup_escalation_business_days", "precheck_escalation_business_days")
TIME_RULES = ("precheck_escalation_time", "reminder_time")


@lru_cache(maxsize=1)
def _repository_table() -> DecisionService:
    return DecisionService.from_file(DEADLINES_FILE)


def deadline_rules(data: dict) -> dict:
    """The rules for this case: from its task data (`deadlines`), else from dmn/deadlines.dmn for its ward."""
    rules = data.get("deadlines")
    if not isinstance(rules, dict) or not all(k in rules for k in DAY_RULES + TIME_RULES):
        evaluated = _repository_table().evaluate(DECISION, {"ward": data.get("ward")})
        rules = {key.split(".", 1)[-1]: value for key, value in evaluated.items()}
    checked = {}
    for key in DAY_RULES:
        value = rules.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or int(value) != value:
            raise CalendarError(f"deadline rule {key} must be a whole number of days >= 0, got {value!r}",
                                user_message=f"期限の規則（{key}）は0以上の整数の営業日数で指定してください。")
        checked[key] = int(value)
    for key in TIME_RULES:
        checked[key] = _time(key, rules.get(key))
    return checked


def _time(key: str, value) -> time:
    try:
        if isinstance(value, str):
            return time.fromisoformat(value)
    except ValueError:
        pass
    raise CalendarError(f"deadline rule {key} must be a time HH:MM, got {value!r}",
                        user_message=f"期限の規則（{key}）は「08:30」のような時刻で指定してください。")


def at_time(day: date, moment: time) -> datetime:
    """`moment` of `day` in Tokyo: a timer's absolute due time, with +09:00."""
    return datetime.combine(day, moment, tzinfo=JST)


def timer_time(moment: datetime) -> datetime:
    """A BPMN timer's due time: `moment`, or — if it has already passed — the next minute. SpiffWorkflow fires a
    timer that is due when it is set in the same operation (a user's booking or check-out), outside the timer
    dispatcher, so nobody would be told; one minute later the dispatcher fires it and tells the people concerned."""
    floor = (datetime.now(JST) + timedelta(minutes=1)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment if moment >= floor else floor
