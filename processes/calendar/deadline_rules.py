"""The city's deadline rules (dmn/deadlines.dmn, decision `deadlines`): how many business days after the visit the
follow-up call is due, when an overdue task goes to a supervisor, at what time the family is reminded.

The case process evaluates the decision in its business rule task `deadline_rules`, so a case keeps the rules of
the model version it started on; its outputs are in the task data under `deadlines`. A case started on a version
without that task gets the live (deployed) table, read in the session of the runtime operation it runs in.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from engine.errors import ConfigurationError
from engine.registry.live import DecisionNotDeployed, live_decision
from engine.runtime.operation import operation_session
from processes.calendar.errors import CalendarError
from processes.calendar.slots import JST

DECISION = "deadlines"
DAY_RULES = ("followup_business_days", "followup_escalation_business_days", "precheck_escalation_business_days")
TIME_RULES = ("precheck_escalation_time", "reminder_time")


def _live_rules(session: Session | None, ward: str | None) -> dict:
    session = session if session is not None else operation_session()
    if session is None:
        raise ConfigurationError("the live deadline rules were asked for outside a runtime operation, without a session")
    try:
        evaluated = live_decision(session, DECISION).evaluate(DECISION, {"ward": ward})
    except DecisionNotDeployed as exc:
        raise CalendarError(str(exc), user_message="期限の規則（deadlines.dmn の判定「deadlines」）が登録されていません。"
                                                   "プロセス管理者が登録してから、もう一度お試しください。") from exc
    return {key.split(".", 1)[-1]: value for key, value in evaluated.items()}


def deadline_rules(data: dict, session: Session | None = None) -> dict:
    """The rules for this case: from its task data (`deadlines`), else from the live `deadlines` decision for its
    ward (in `session`, or else the session of the runtime operation in progress)."""
    rules = data.get("deadlines")
    if not isinstance(rules, dict) or not all(k in rules for k in DAY_RULES + TIME_RULES):
        rules = _live_rules(session, data.get("ward"))
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
