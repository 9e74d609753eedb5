"""The city's business calendar (issue 3, point 5): business days, deadlines, opening hours and visit slots.

    from processes.calendar import BusinessCalendar, Slot, CalendarError
    cal = BusinessCalendar.default()        # calendar.yaml, validated and cached

Everything is in Asia/Tokyo (`JST`); closures, hours and slots are configuration in calendar.yaml.
"""
from processes.calendar.calendar import (
    CALENDAR_FILE,
    BusinessCalendar,
    now_jst,
    today_jst,
)
from processes.calendar.errors import CalendarError
from processes.calendar.holidays import (
    is_national_holiday,
    national_holiday_name,
    national_holidays,
)
from processes.calendar.slots import JST, BookedCounter, Slot

__all__ = [
    "BookedCounter",
    "BusinessCalendar",
    "CALENDAR_FILE",
    "CalendarError",
    "JST",
    "Slot",
    "is_national_holiday",
    "national_holiday_name",
    "national_holidays",
    "now_jst",
    "today_jst",
]
