"""Who may do what with the call centre's records (the same rules for pages and API):

- operator: records contacts, reads them, corrects their own the same day (Asia/Tokyo);
- supervisor: everything an operator does, corrects and (softly) deletes any record, exports;
- auditor: reads; admin: exports (CSV) only;
- dept_staff: never sees the centre's records (a contact id is "not found"); reaches only their hand-over tasks.
"""
from __future__ import annotations

from datetime import datetime

from engine.errors import NotFound
from processes.calendar.slots import JST
from processes.tasks.access import Actor, Forbidden, require

RECORDERS = frozenset({"operator", "supervisor"})
READERS = frozenset({"operator", "supervisor", "auditor"})
CORRECTORS_OF_ANY = frozenset({"supervisor"})
DELETERS = frozenset({"supervisor"})
EXPORTERS = frozenset({"supervisor", "admin"})
HIDDEN_FROM = frozenset({"dept_staff"})
"""Roles for whom a contact id names nothing (404), so the centre's records are not even confirmed to exist."""
CALLBACK_READERS = frozenset({"operator", "supervisor", "dept_staff"})


def contact_not_found() -> NotFound:
    return NotFound("contact outside the actor's scope", user_message="指定された応対履歴は見つかりません。")


def check_object_access(actor: Actor, allowed: frozenset[str]) -> None:
    if actor.role in HIDDEN_FROM:
        raise contact_not_found()
    require(actor.role in allowed)


def check_correction(actor: Actor, operator: str, created_at: datetime, now: datetime) -> None:
    check_object_access(actor, RECORDERS)
    if actor.role in CORRECTORS_OF_ANY:
        return
    if operator != actor.username:
        raise Forbidden("not the operator's own record", user_message="ほかのオペレーターの応対履歴は訂正できません。"
                                                                      "スーパーバイザーに依頼してください。")
    if created_at.astimezone(JST).date() != now.astimezone(JST).date():
        raise Forbidden("record from an earlier day", user_message="訂正できるのは当日に記録した応対履歴だけです。"
                                                                    "スーパーバイザーに依頼してください。")
