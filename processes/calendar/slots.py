"""Bookable visit slots of a ward corner: what a slot is and how a day's slots are laid out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from processes.calendar.config import SlotSettings
from processes.calendar.errors import CalendarError

JST = ZoneInfo("Asia/Tokyo")

BookedCounter = Callable[[str, datetime], int]
"""`booked(ward, slot_start)` → how many bookings the slot already has (slot_start is aware, JST)."""


@dataclass(frozen=True)
class Slot:
    """One visit slot at a ward corner. `start`/`end` are aware datetimes in Asia/Tokyo."""

    ward: str
    start: datetime
    end: datetime
    capacity: int
    booked: int
    available: bool

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


def slot_starts(day: date, settings: SlotSettings) -> list[datetime]:
    """The start times of the slots on `day` (whether or not the corner is open that day)."""
    return [datetime.combine(day, moment, tzinfo=JST) for moment in settings.times]


def make_slot(ward: str, start: datetime, settings: SlotSettings, booked: BookedCounter | None) -> Slot:
    count = 0 if booked is None else booked(ward, start)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise CalendarError(f"booked({ward!r}, {start.isoformat()}) returned {count!r}, not a count >= 0",
                            user_message="予約状況を取得できませんでした。")
    return Slot(ward=ward, start=start, end=start + settings.duration, capacity=settings.capacity,
                booked=count, available=count < settings.capacity)
