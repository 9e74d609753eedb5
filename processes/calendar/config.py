"""The city's calendar configuration (calendar.yaml): parsed and validated whole into a `CalendarConfig`.

Keys left out of a configuration take the defaults below (Kawasaki's, from DOMAIN.md); write an empty list to
turn a default off (e.g. `annual_closures: []`). Unknown keys are problems too, so a typo never passes silently.
Every problem is collected and reported in one `CalendarError`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from processes.calendar.errors import CalendarError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DEFAULTS: dict[str, Any] = {
    "closed_weekdays": ["saturday", "sunday"],
    "national_holidays": True,
    "annual_closures": [{"from": "12-29", "to": "01-03", "name": "年末年始休業"}],
    "closures": [],
    "hours": {
        "corner": {"open": "09:00", "close": "16:00"},
        "corner_staff": {"open": "08:30", "close": "17:00"},
        "call_centre": {"open": "09:00", "close": "16:45"},
        "call_centre_staff": {"open": "09:00", "close": "17:00"},
    },
    "deadlines": {"time": "17:00", "precheck_business_days_before": 1, "reminder_business_days_before": 2},
    "slots": {
        "duration_minutes": 90,
        "times": ["09:00", "10:30", "13:00", "14:30"],
        "capacity": 1,
        "lead_business_days": 4,
    },
    "wards": {},
    "ward_closures": [],
}
_SECTIONS = ("hours", "deadlines", "slots")  # merged key by key over the defaults
_SLOT_KEYS = {"duration_minutes", "times", "count", "capacity", "lead_business_days"}
_WARD_KEYS = {"corner_hours", "corner_staff_hours", "slots"}
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_MONTH_DAY_RE = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Hours:
    open: time
    close: time

    def as_tuple(self) -> tuple[time, time]:
        return (self.open, self.close)


@dataclass(frozen=True)
class AnnualClosure:
    """Closed every year from `start` to `end` (month, day), inclusive; may wrap over New Year."""

    start: tuple[int, int]
    end: tuple[int, int]
    name: str

    def covers(self, day: date) -> bool:
        month_day = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= month_day <= self.end
        return month_day >= self.start or month_day <= self.end


@dataclass(frozen=True)
class DateClosure:
    """A one-off closure from `start` to `end` inclusive: city-wide when `ward` is None."""

    ward: str | None
    start: date
    end: date
    reason: str

    def covers(self, day: date, ward: str | None) -> bool:
        return (self.ward is None or self.ward == ward) and self.start <= day <= self.end


@dataclass(frozen=True)
class SlotSettings:
    times: tuple[time, ...]
    duration: timedelta
    capacity: int
    lead_business_days: int


@dataclass(frozen=True)
class WardSettings:
    corner: Hours
    corner_staff: Hours
    slots: SlotSettings


@dataclass(frozen=True)
class CalendarConfig:
    closed_weekdays: frozenset[int]
    national_holidays: bool
    annual_closures: tuple[AnnualClosure, ...]
    closures: tuple[DateClosure, ...]  # city-wide ones (ward None) and one-off ward closures
    corner: Hours
    corner_staff: Hours
    call_centre: Hours
    call_centre_staff: Hours
    deadline_time: time
    precheck_business_days: int
    reminder_business_days: int
    slots: SlotSettings  # the city's default slots (wards without overrides use them)
    wards: Mapping[str, WardSettings]  # every known ward, defaults merged with its overrides


class _Parser:
    def __init__(self, known_wards: Iterable[str]):
        self.known_wards = list(known_wards)
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def mapping(self, value: Any, where: str, allowed: set[str] | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(where, f"expected a mapping, got {type(value).__name__}")
            return {}
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.problem(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        return dict(value)

    def sequence(self, value: Any, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {type(value).__name__}")
            return []
        return value

    def time_of_day(self, value: Any, where: str) -> time | None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.problem(where, f"{value!r} is not a time: quote times in YAML (\"9:00\" unquoted reads as a number)")
            return None
        match = _TIME_RE.match(value) if isinstance(value, str) else None
        if not match:
            self.problem(where, f"{value!r} is not a time of day HH:MM")
            return None
        return time(int(match.group(1)), int(match.group(2)))

    def hours(self, value: Any, where: str) -> Hours | None:
        data = self.mapping(value, where, {"open", "close"})
        if "open" not in data or "close" not in data:
            self.problem(where, "needs both open and close")
            return None
        opening, closing = self.time_of_day(data["open"], f"{where}.open"), self.time_of_day(data["close"], f"{where}.close")
        if opening is None or closing is None:
            return None
        if opening >= closing:
            self.problem(where, f"opens at {opening:%H:%M} but closes at {closing:%H:%M}")
            return None
        return Hours(opening, closing)

    def integer(self, value: Any, where: str, minimum: int, maximum: int) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.problem(where, f"{value!r} is not a whole number from {minimum} to {maximum}")
            return None
        return value

    def day(self, value: Any, where: str) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(where, f"{value!r} is not a date YYYY-MM-DD")
        return None

    def month_day(self, value: Any, where: str) -> tuple[int, int] | None:
        match = _MONTH_DAY_RE.match(value) if isinstance(value, str) else None
        if match:
            try:
                date(2000, int(match.group(1)), int(match.group(2)))  # a leap year, so 02-29 is allowed
                return int(match.group(1)), int(match.group(2))
            except ValueError:
                pass
        self.problem(where, f"{value!r} is not a month and day MM-DD (quote it)")
        return None

    def ward(self, value: Any, where: str) -> str | None:
        if value not in self.known_wards:
            self.problem(where, f"unknown ward {value!r} (known: {', '.join(self.known_wards)})")
            return None
        return value

    def span(self, entry: dict, where: str, parse) -> tuple[Any, Any] | None:
        """`date: X` or `from: X` + `to: Y` (inclusive)."""
        if "date" in entry and ("from" in entry or "to" in entry):
            self.problem(where, "give either date or from/to, not both")
            return None
        if "date" in entry:
            day = parse(entry["date"], f"{where}.date")
            return None if day is None else (day, day)
        if "from" not in entry or "to" not in entry:
            self.problem(where, "needs date, or both from and to")
            return None
        start, end = parse(entry["from"], f"{where}.from"), parse(entry["to"], f"{where}.to")
        return None if start is None or end is None else (start, end)

    def closure(self, value: Any, where: str, ward_closure: bool) -> DateClosure | None:
        allowed = {"date", "from", "to", "reason"} | ({"ward"} if ward_closure else set())
        entry = self.mapping(value, where, allowed)
        ward = None
        if ward_closure:
            if "ward" not in entry:
                self.problem(where, "needs a ward")
                return None
            ward = self.ward(entry["ward"], f"{where}.ward")
        span = self.span(entry, where, self.day)
        reason = entry.get("reason", "臨時休業")
        if not isinstance(reason, str) or not reason.strip():
            self.problem(f"{where}.reason", "must be a non-empty text")
            return None
        if span is None or (ward_closure and ward is None):
            return None
        if span[0] > span[1]:
            self.problem(where, f"from {span[0]} is after to {span[1]}")
            return None
        return DateClosure(ward, span[0], span[1], reason)

    def slot_settings(self, value: Any, where: str, base: dict, corner: Hours | None) -> SlotSettings | None:
        override = self.mapping(value, where, _SLOT_KEYS)
        data = {**base, **override}
        if "times" in override and "count" not in override:
            data.pop("count", None)  # a ward that lists its own times gets all of them
        start = len(self.problems)
        duration = self.integer(data.get("duration_minutes"), f"{where}.duration_minutes", 1, 24 * 60)
        capacity = self.integer(data.get("capacity"), f"{where}.capacity", 1, 1000)
        lead = self.integer(data.get("lead_business_days"), f"{where}.lead_business_days", 0, 250)
        raw_times = self.sequence(data.get("times"), f"{where}.times")
        times = [self.time_of_day(t, f"{where}.times[{i}]") for i, t in enumerate(raw_times)]
        if not raw_times:
            self.problem(f"{where}.times", "lists no slot")
        if "count" in data:
            count = self.integer(data["count"], f"{where}.count", 1, max(1, len(raw_times)))
            times = times[:count] if count is not None else times
        if len(self.problems) > start or corner is None:
            return None
        for earlier, later in zip(times, times[1:]):
            if _plus(earlier, duration) > later:
                self.problem(f"{where}.times", f"{earlier:%H:%M} and {later:%H:%M} are out of order or overlap "
                                               f"({duration}-minute slots)")
        for slot_start in times:
            if slot_start < corner.open or _plus(slot_start, duration) > corner.close:
                self.problem(f"{where}.times", f"the slot at {slot_start:%H:%M} ({duration} minutes) is outside the "
                                               f"corner hours {corner.open:%H:%M}-{corner.close:%H:%M}")
        if len(self.problems) > start:
            return None
        return SlotSettings(tuple(times), timedelta(minutes=duration), capacity, lead)


def _plus(moment: time, minutes: int) -> time:
    total = moment.hour * 60 + moment.minute + minutes
    return time.max if total >= 24 * 60 else time(total // 60, total % 60)


def parse_config(raw: Mapping[str, Any] | None, known_wards: Iterable[str]) -> CalendarConfig:
    """Validate `raw` (the loaded YAML, or a dict in tests) over DEFAULTS; raise CalendarError listing every problem."""
    p = _Parser(known_wards)
    given = p.mapping(raw, "calendar", set(DEFAULTS))
    data = {key: given.get(key, default) for key, default in DEFAULTS.items()}
    for section in _SECTIONS:
        data[section] = {**DEFAULTS[section], **p.mapping(given.get(section), section, set(DEFAULTS[section]) | (
            {"count"} if section == "slots" else set()))}

    closed = set()
    for i, name in enumerate(p.sequence(data["closed_weekdays"], "closed_weekdays")):
        if name not in WEEKDAYS:
            p.problem(f"closed_weekdays[{i}]", f"{name!r} is not one of {', '.join(WEEKDAYS)}")
        else:
            closed.add(WEEKDAYS.index(name))
    if len(closed) == 7:
        p.problem("closed_weekdays", "closes every day of the week")
    if not isinstance(data["national_holidays"], bool):
        p.problem("national_holidays", "must be true or false")

    annual = []
    for i, value in enumerate(p.sequence(data["annual_closures"], "annual_closures")):
        where = f"annual_closures[{i}]"
        entry = p.mapping(value, where, {"date", "from", "to", "name"})
        span = p.span(entry, where, p.month_day)
        name = entry.get("name", "休業日")
        if not isinstance(name, str) or not name.strip():
            p.problem(f"{where}.name", "must be a non-empty text")
        elif span is not None:
            annual.append(AnnualClosure(span[0], span[1], name))

    closures = [p.closure(v, f"closures[{i}]", False) for i, v in enumerate(p.sequence(data["closures"], "closures"))]
    closures += [p.closure(v, f"ward_closures[{i}]", True)
                 for i, v in enumerate(p.sequence(data["ward_closures"], "ward_closures"))]

    hours = {name: p.hours(data["hours"].get(name), f"hours.{name}") for name in DEFAULTS["hours"]}
    deadline_time = p.time_of_day(data["deadlines"]["time"], "deadlines.time")
    precheck = p.integer(data["deadlines"]["precheck_business_days_before"],
                         "deadlines.precheck_business_days_before", 0, 250)
    reminder = p.integer(data["deadlines"]["reminder_business_days_before"],
                         "deadlines.reminder_business_days_before", 0, 250)

    default_slots = p.slot_settings(None, "slots", data["slots"], hours["corner"])
    ward_overrides = p.mapping(data["wards"], "wards")
    for code in ward_overrides:
        p.ward(code, "wards")
    wards = {}
    for code in p.known_wards:
        where = f"wards.{code}"
        override = p.mapping(ward_overrides.get(code), where, _WARD_KEYS)
        corner = p.hours(override["corner_hours"], f"{where}.corner_hours") if "corner_hours" in override \
            else hours["corner"]
        corner_staff = p.hours(override["corner_staff_hours"], f"{where}.corner_staff_hours") \
            if "corner_staff_hours" in override else hours["corner_staff"]
        slot_where = f"{where}.slots" if "slots" in override or "corner_hours" in override else "slots"
        slots = p.slot_settings(override.get("slots"), slot_where, data["slots"], corner)
        if corner and corner_staff and slots:
            wards[code] = WardSettings(corner, corner_staff, slots)

    problems = list(dict.fromkeys(p.problems))  # the shared default slots would repeat their problems per ward
    if problems:
        raise CalendarError(
            "invalid calendar configuration:\n  " + "\n  ".join(problems),
            user_message=f"業務カレンダーの設定に誤りがあります（{len(problems)}件）。管理者に連絡してください。",
            problems=problems,
        )
    return CalendarConfig(
        closed_weekdays=frozenset(closed),
        national_holidays=data["national_holidays"],
        annual_closures=tuple(annual),
        closures=tuple(c for c in closures if c is not None),
        corner=hours["corner"],
        corner_staff=hours["corner_staff"],
        call_centre=hours["call_centre"],
        call_centre_staff=hours["call_centre_staff"],
        deadline_time=deadline_time,
        precheck_business_days=precheck,
        reminder_business_days=reminder,
        slots=default_slots,
        wards=MappingProxyType(wards),
    )
