"""The business calendar: business days, deadlines, opening hours and bookable slots, all in Asia/Tokyo.

A day is a business day unless it is a closed weekday (Saturday, Sunday), a national holiday (振替休日 and
国民の休日 included), an annual city closure (Dec 29 – Jan 3), a one-off city closure, or — when a ward is given —
a one-off closure of that ward. All of that is configuration (calendar.yaml), never code.

Day-counting conventions (shared by every method):
- `next_business_day(d)` / `previous_business_day(d)` are strictly after / before `d`.
- `add_business_days(d, n)`: n > 0 walks n business days forward, n < 0 walks |n| back ("N business days
  before"), n == 0 is `d` itself if it is a business day, else the next one.
- `business_days_between(a, b)` counts the business days in (a, b]; so for n > 0,
  `business_days_between(a, add_business_days(a, n)) == n`.
- Deadlines fall at 17:00 JST (the staff closing time, configurable) of the business day they name.
Every datetime taken or returned is aware; a naive datetime is refused.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import yaml

from processes.calendar.config import CalendarConfig, WardSettings, parse_config
from processes.calendar.errors import CalendarError
from processes.calendar.holidays import national_holiday_name
from processes.calendar.slots import JST, BookedCounter, Slot, make_slot, slot_starts

CALENDAR_FILE = Path(__file__).with_name("calendar.yaml")
MAX_SCAN_DAYS = 3 * 366  # no business day within three years means a configuration error, not a long wait
MAX_SLOT_RANGE_DAYS = 366


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so the validator reports a bad one like any problem."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _as_date(value: Any, name: str = "day") -> date:
    """A date; an aware datetime counts as its date in Tokyo. Naive datetimes and anything else are refused."""
    if isinstance(value, datetime):
        return _as_jst(value, name).date()
    if isinstance(value, date):
        return value
    raise CalendarError(f"{name} must be a date, got {type(value).__name__}", user_message="日付の指定が正しくありません。")


def _as_jst(value: Any, name: str = "moment") -> datetime:
    if not isinstance(value, datetime):
        raise CalendarError(f"{name} must be a datetime, got {type(value).__name__}",
                            user_message="日時の指定が正しくありません。")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} {value.isoformat()} is naive: give an aware datetime (Asia/Tokyo)",
                            user_message="日時の指定が正しくありません（タイムゾーンがありません）。")
    return value.astimezone(JST)


def now_jst() -> datetime:
    return datetime.now(JST)


def today_jst() -> date:
    return now_jst().date()


class BusinessCalendar:
    """Build with `BusinessCalendar.default()` (calendar.yaml, cached) or `from_config(dict)` (tests)."""

    def __init__(self, config: CalendarConfig):
        self._config = config

    # ---- construction ---------------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "BusinessCalendar":
        """The city's calendar: the administrator's (wards' slots and closures saved in the database) once
        installed with `use_administered`, else calendar.yaml, loaded and validated once per process."""
        return _administered or _load_default()

    @staticmethod
    def use_administered(calendar: "BusinessCalendar | None") -> None:
        global _administered
        _administered = calendar

    @staticmethod
    def clear_default_cache() -> None:
        """Forget the cached default calendar (after calendar.yaml or wards.yaml changed)."""
        _load_default.cache_clear()

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None, *, wards: Iterable[str] | None = None) -> "BusinessCalendar":
        """A calendar from a configuration dict (calendar.yaml's shape; left-out keys take the defaults).
        `wards` are the known ward codes (default: wards.yaml)."""
        if wards is None:
            from processes.wards import load_wards

            wards = load_wards().keys()
        return cls(parse_config(raw, wards))

    @classmethod
    def from_yaml(cls, path: str | Path, *, wards: Iterable[str] | None = None) -> "BusinessCalendar":
        path = Path(path)
        raw = read_calendar_yaml(path)
        try:
            return cls.from_config(raw, wards=wards)
        except CalendarError as exc:
            raise CalendarError(f"{path}: {exc}", user_message=exc.user_message, problems=exc.problems) from None

    @property
    def config(self) -> CalendarConfig:
        return self._config

    @property
    def wards(self) -> tuple[str, ...]:
        return tuple(self._config.wards)

    def _ward(self, ward: str | None, *, required: bool = False) -> WardSettings | None:
        if ward is None and not required:
            return None
        settings = self._config.wards.get(ward) if isinstance(ward, str) else None
        if settings is None:
            raise CalendarError(f"unknown ward {ward!r} (known: {', '.join(self._config.wards)})",
                                user_message=f"区の指定（{ward}）が正しくありません。")
        return settings

    # ---- business days --------------------------------------------------------------------------------------
    def closure_reason(self, d: date, ward: str | None = None) -> str | None:
        """Why the corner (of `ward`, or the city) is closed on `d` — e.g. "土曜日", "振替休日", "年末年始休業",
        a ward closure's reason — or None on a business day."""
        self._ward(ward)
        day = _as_date(d)
        config = self._config
        if config.national_holidays:
            name = national_holiday_name(day)
            if name is not None:
                return name
        for annual in config.annual_closures:
            if annual.covers(day):
                return annual.name
        for closure in config.closures:
            if closure.covers(day, ward):
                return closure.reason
        if day.weekday() in config.closed_weekdays:
            return "月火水木金土日"[day.weekday()] + "曜日"
        return None

    def is_business_day(self, d: date, ward: str | None = None) -> bool:
        return self.closure_reason(d, ward) is None

    def _walk(self, start: date, step: int, ward: str | None) -> date:
        day = start
        for _ in range(MAX_SCAN_DAYS):
            day += timedelta(days=step)
            if self.is_business_day(day, ward):
                return day
        raise CalendarError(f"no business day within {MAX_SCAN_DAYS} days {'after' if step > 0 else 'before'} "
                            f"{start} (ward {ward!r}): check the closures",
                            user_message="営業日が見つかりません。業務カレンダーの設定を確認してください。")

    def next_business_day(self, d: date, ward: str | None = None) -> date:
        """The first business day strictly after `d`."""
        return self._walk(_as_date(d), 1, ward)

    def previous_business_day(self, d: date, ward: str | None = None) -> date:
        """The last business day strictly before `d`."""
        return self._walk(_as_date(d), -1, ward)

    def add_business_days(self, d: date, n: int, ward: str | None = None) -> date:
        """n > 0: the n-th business day after `d`; n < 0: the |n|-th business day before `d`;
        n == 0: `d` if it is a business day, else the next business day."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise CalendarError(f"n must be an int, got {n!r}", user_message="日数の指定が正しくありません。")
        day = _as_date(d)
        if n == 0:
            return day if self.is_business_day(day, ward) else self._walk(day, 1, ward)
        step = 1 if n > 0 else -1
        for _ in range(abs(n)):
            day = self._walk(day, step, ward)
        return day

    def business_days(self, a: date, b: date, ward: str | None = None) -> Iterator[date]:
        """The business days in (a, b], in order."""
        day, end = _as_date(a, "a"), _as_date(b, "b")
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day, ward):
                yield day

    def business_days_between(self, a: date, b: date, ward: str | None = None) -> int:
        """How many business days lie in (a, b]; negative (−count of (b, a]) when b is before a."""
        start, end = _as_date(a, "a"), _as_date(b, "b")
        if end < start:
            return -self.business_days_between(end, start, ward)
        return sum(1 for _ in self.business_days(start, end, ward))

    # ---- deadlines ------------------------------------------------------------------------------------------
    def _deadline_on(self, day: date) -> datetime:
        return datetime.combine(day, self._config.deadline_time, tzinfo=JST)

    def deadline_on(self, day: date) -> datetime:
        """The deadline time of the day (17:00 JST): when a task due that day is due."""
        return self._deadline_on(day)

    def precheck_deadline(self, visit_start: datetime, ward: str | None = None) -> datetime:
        """17:00 JST one business day (configurable) before the visit day: when the departments' pre-check is due."""
        visit_day = _as_date(visit_start, "visit_start")
        return self._deadline_on(self.add_business_days(visit_day, -self._config.precheck_business_days, ward))

    def followup_deadline(self, visit_day: date, business_days: int, ward: str | None = None) -> datetime:
        """17:00 JST `business_days` business days after the visit day (0: the visit day, or the next business
        day if the visit day was not one)."""
        if isinstance(business_days, bool) or not isinstance(business_days, int) or business_days < 0:
            raise CalendarError(f"business_days must be an int >= 0, got {business_days!r}",
                                user_message="日数の指定が正しくありません。")
        return self._deadline_on(self.add_business_days(_as_date(visit_day, "visit_day"), business_days, ward))

    def reminder_date(self, visit_day: date, ward: str | None = None) -> date:
        """The day to remind the family: 2 business days (configurable) before the visit."""
        return self.add_business_days(_as_date(visit_day, "visit_day"), -self._config.reminder_business_days, ward)

    # ---- hours ----------------------------------------------------------------------------------------------
    def corner_hours(self, ward: str | None = None) -> tuple[time, time]:
        """The corner's reception window (9:00–16:00 unless the ward overrides it)."""
        settings = self._ward(ward)
        return (settings.corner if settings else self._config.corner).as_tuple()

    def corner_staff_hours(self, ward: str | None = None) -> tuple[time, time]:
        """The corner staff's working hours (8:30–17:00 unless the ward overrides them)."""
        settings = self._ward(ward)
        return (settings.corner_staff if settings else self._config.corner_staff).as_tuple()

    def call_centre_hours(self) -> tuple[time, time]:
        """The reservation call centre's reception hours (9:00–16:45): open from the first, closed at the second."""
        return self._config.call_centre.as_tuple()

    def call_centre_staff_hours(self) -> tuple[time, time]:
        return self._config.call_centre_staff.as_tuple()

    def is_call_centre_open(self, at: datetime) -> bool:
        """True on a (city) business day from the opening time up to, not including, the closing time."""
        moment = _as_jst(at, "at")
        opening, closing = self.call_centre_hours()
        return self.is_business_day(moment.date()) and opening <= moment.time() < closing

    # ---- booking --------------------------------------------------------------------------------------------
    def today(self) -> date:
        """The current date in Tokyo."""
        return today_jst()

    def earliest_bookable_day(self, today: date | None = None, ward: str | None = None) -> date:
        """The first day a visit can be booked for: `lead_business_days` (4 by default, per ward configurable)
        business days of that ward after `today` (default: the current JST date)."""
        settings = self._ward(ward)
        lead = (settings.slots if settings else self._config.slots).lead_business_days
        base = self.today() if today is None else _as_date(today, "today")
        return self.add_business_days(base, lead, ward)

    def slots(self, ward: str, start: date, end: date, booked: BookedCounter | None = None, *,
              today: date | None = None) -> list[Slot]:
        """The ward's slots from `start` to `end` (inclusive), on the ward's business days and never before
        `earliest_bookable_day(today, ward)`. `booked(ward, slot_start)` gives a slot's bookings; a slot is
        `available` while they are below its capacity. Fully booked slots are listed, marked unavailable."""
        settings = self._ward(ward, required=True)
        first = max(_as_date(start, "start"), self.earliest_bookable_day(today, ward))
        last = _as_date(end, "end")
        if (last - first).days > MAX_SLOT_RANGE_DAYS:
            raise CalendarError(f"slot range {first}..{last} is longer than {MAX_SLOT_RANGE_DAYS} days",
                                user_message="検索する期間が長すぎます。1年以内で指定してください。")
        result = []
        day = first
        while day <= last:
            if self.is_business_day(day, ward):
                result.extend(make_slot(ward, moment, settings.slots, booked)
                              for moment in slot_starts(day, settings.slots))
            day += timedelta(days=1)
        return result

    def slot_for(self, ward: str, start: datetime, booked: BookedCounter | None = None, *,
                 today: date | None = None) -> Slot | None:
        """The bookable slot of `ward` starting at `start`, or None when there is no such slot (not a slot time,
        a closed day, or earlier than the earliest bookable day). Check `.available` before booking."""
        settings = self._ward(ward, required=True)
        moment = _as_jst(start, "start")
        day = moment.date()
        if day < self.earliest_bookable_day(today, ward) or not self.is_business_day(day, ward):
            return None
        if moment not in slot_starts(day, settings.slots):
            return None
        return make_slot(ward, datetime.combine(day, moment.time(), tzinfo=JST),
                         settings.slots, booked)


def read_calendar_yaml(path: Path = CALENDAR_FILE) -> Any:
    """The configuration as written (not yet validated)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarError(f"{path}: cannot read the calendar configuration: {exc}",
                            user_message="業務カレンダーの設定を読み込めません。管理者に連絡してください。") from exc


_administered: BusinessCalendar | None = None


@lru_cache(maxsize=1)
def _load_default() -> BusinessCalendar:
    return BusinessCalendar.from_yaml(CALENDAR_FILE)
