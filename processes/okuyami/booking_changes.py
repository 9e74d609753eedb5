"""Moving (rebooking) and cancelling a booked case: checked here, delivered to the case as BPMN messages
(`booking_moved`, `booking_cancelled`), never as deleted rows. Each is one transaction in the caller's session."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.errors import TaskConflict
from engine.runtime import InstanceSummary, WorkflowRuntime
from processes.okuyami.booking import check_slot, slot_start_of
from processes.okuyami.case_view import readable_case
from processes.okuyami.visit_records import hold_slot, release_slot
from processes.tasks.access import BOOKING_CREATORS, Actor, require
from processes.tasks.validation import FieldError, ValidationFailed

MAX_REASON = 400
MOVABLE_AT = frozenset({"precheck"})
"""The model accepts `booking_moved` only while the pre-checks run (a boundary event of the pre-check)."""
CANCELLABLE_AT = frozenset({"precheck", "visit"})
NOT_NOW = "この案件は、現在その操作を受け付けられない段階です。"


@dataclass(frozen=True)
class BookingState:
    """What may be done with a case's booking now (the case screen shows only the possible actions)."""

    ward: str | None
    channel: str | None
    slot_start: str | None
    open_steps: frozenset[str]

    @property
    def can_move(self) -> bool:
        return self.channel == "booking" and bool(self.open_steps & MOVABLE_AT)

    @property
    def can_cancel(self) -> bool:
        return self.channel == "booking" and bool(self.open_steps & CANCELLABLE_AT)


def booking_state(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> BookingState:
    """The case's booking as the actor may change it; another ward's (or a missing) case is NotFound."""
    return booking_state_of(*readable_case(session, runtime, actor, case_id))


def booking_state_of(summary, data: dict, tasks) -> BookingState:
    """booking_state from what readable_case returned."""
    ward = next((t.ward for t in tasks if t.ward), data.get("ward"))
    open_steps = frozenset(t.spec_name for t in tasks) if summary.status == "running" else frozenset()
    return BookingState(ward, data.get("channel"), data.get("slot_start"), open_steps)


def move_case(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int, slot_start) -> InstanceSummary:
    """Rebook the visit to another free slot of the same ward (409 when the slot was taken meanwhile)."""
    require(actor.role in BOOKING_CREATORS)
    state = booking_state(session, runtime, actor, case_id)
    if not state.can_move:
        raise TaskConflict(f"case {case_id} cannot be moved now", user_message=NOT_NOW)
    start = slot_start_of({"slot_start": slot_start})
    if state.slot_start and datetime.fromisoformat(state.slot_start) == start:
        raise ValidationFailed([FieldError("slot_start", "現在の予約と同じ日時です。別の枠を選んでください。")])
    slot = check_slot(session, runtime, state.ward, start)
    hold_slot(session, case_id, state.ward, start, slot.capacity)
    return runtime.message(case_id, "booking_moved", actor.username, {"slot_start": start.isoformat()},
                           session=session)


def cancel_case(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int, reason) -> InstanceSummary:
    """Cancel the booking with a reason (kept in the encrypted case data, not in the audit log)."""
    require(actor.role in BOOKING_CREATORS)
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationFailed([FieldError("reason", "取消の理由を入力してください。")])
    if len(text) > MAX_REASON:
        raise ValidationFailed([FieldError("reason", f"取消の理由は{MAX_REASON}文字以内で入力してください。")])
    state = booking_state(session, runtime, actor, case_id)
    if not state.can_cancel:
        raise TaskConflict(f"case {case_id} cannot be cancelled now", user_message=NOT_NOW)
    release_slot(session, case_id)
    return runtime.message(case_id, "booking_cancelled", actor.username, {"reason": text}, session=session)
