"""The free-slot part of the export: per ward, each bookable slot of the next six weeks with how many places are
left (counts only, never who holds them). The export runs every few minutes, so the public side is never far
behind; the operator's confirmation checks the slot again (the last-slot guard)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from processes.calendar import BusinessCalendar
from processes.okuyami.booking import booked_counter
from processes.wards import load_wards

NAME = "slots"
WEEKS_AHEAD = 6


def build(session: Session, today: date) -> dict:
    calendar = BusinessCalendar.default()
    wards = []
    for code, ward in load_wards().items():
        slots = calendar.slots(code, today, today + timedelta(weeks=WEEKS_AHEAD), booked_counter(session, None, code),
                               today=today)
        wards.append({"code": code, "name": ward.name, "office": ward.office,
                      "slots": [{"start": s.start.isoformat(), "free": s.remaining} for s in slots]})
    return {"generated_on": today.isoformat(), "wards": wards}
