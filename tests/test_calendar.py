"""The business calendar (processes/calendar): holidays, closures, business-day arithmetic, deadlines, hours, slots.

Every holiday date asserted here was checked against the `holidays` package and the Cabinet Office's published
calendar (内閣府「国民の祝日について」) for 2026 and 2027.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine

from engine.errors import OkuyamiError
from processes.calendar import (
    JST,
    BusinessCalendar,
    CalendarError,
    Slot,
    national_holiday_name,
    national_holidays,
)
from processes.calendar.config import DEFAULTS

WARDS = ("kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao")
D = date.fromisoformat


def at(text: str) -> datetime:
    """An aware JST datetime from 'YYYY-MM-DD HH:MM[:SS]'."""
    return datetime.fromisoformat(text).replace(tzinfo=JST)


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return BusinessCalendar.default()


# ---- national holidays ---------------------------------------------------------------------------------------

HOLIDAYS_2026 = {
    "2026-01-01": "元日", "2026-01-12": "成人の日", "2026-02-11": "建国記念の日", "2026-02-23": "天皇誕生日",
    "2026-03-20": "春分の日", "2026-04-29": "昭和の日", "2026-05-03": "憲法記念日", "2026-05-04": "みどりの日",
    "2026-05-05": "こどもの日", "2026-05-06": "振替休日", "2026-07-20": "海の日", "2026-08-11": "山の日",
    "2026-09-21": "敬老の日", "2026-09-22": "国民の休日", "2026-09-23": "秋分の日", "2026-10-12": "スポーツの日",
    "2026-11-03": "文化の日", "2026-11-23": "勤労感謝の日",
}


def test_all_2026_national_holidays():
    assert {d.isoformat(): name for d, name in national_holidays(2026).items()} == HOLIDAYS_2026


@pytest.mark.parametrize("day, name", [
    ("2026-05-06", "振替休日"),      # 憲法記念日 5/3 falls on a Sunday; 5/4 and 5/5 are holidays, so it moves to Wed 5/6
    ("2026-09-22", "国民の休日"),    # sandwiched between 敬老の日 (Mon 9/21) and 秋分の日 (Wed 9/23)
    ("2027-03-21", "春分の日"),      # a Sunday ...
    ("2027-03-22", "振替休日"),      # ... so Monday is off
    ("2027-02-23", "天皇誕生日"),
    ("2027-09-23", "秋分の日"),
    ("2027-01-11", "成人の日"),
    ("2026-05-07", None),
    ("2026-09-24", None),
    ("2027-03-23", None),
    ("2027-09-22", None),            # 2027 has no 国民の休日 in September: 敬老の日 is 9/20
])
def test_national_holiday_name(day, name):
    assert national_holiday_name(D(day)) == name


@pytest.mark.parametrize("year", [1948, 2100])
def test_years_outside_the_holiday_law_are_refused(cal, year):
    with pytest.raises(CalendarError):
        cal.is_business_day(date(year, 6, 1))


# ---- business days -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, business, reason", [
    ("2026-06-08", True, None),             # an ordinary Monday
    ("2026-06-06", False, "土曜日"),
    ("2026-06-07", False, "日曜日"),
    ("2026-05-06", False, "振替休日"),
    ("2026-09-22", False, "国民の休日"),
    ("2026-03-20", False, "春分の日"),
    ("2027-03-22", False, "振替休日"),
    ("2026-12-28", True, None),             # Monday, the last working day of 2026
    ("2026-12-29", False, "年末年始休業"),
    ("2026-12-30", False, "年末年始休業"),
    ("2026-12-31", False, "年末年始休業"),
    ("2027-01-01", False, "元日"),
    ("2027-01-02", False, "年末年始休業"),  # a Saturday too
    ("2027-01-04", True, None),             # Monday, the first working day of 2027
    ("2027-12-29", False, "年末年始休業"),  # a Wednesday
    ("2028-01-03", False, "年末年始休業"),  # a Monday: closed by the city, not by the law
    ("2028-01-04", True, None),
])
def test_is_business_day(cal, day, business, reason):
    assert cal.is_business_day(D(day)) is business
    assert cal.closure_reason(D(day)) == reason
    for ward in WARDS:
        assert cal.is_business_day(D(day), ward) is business


def test_an_aware_datetime_counts_as_its_tokyo_date_and_a_naive_one_is_refused(cal):
    # 2026-06-05 15:30 UTC is Saturday 6/6 00:30 in Tokyo
    assert cal.is_business_day(datetime(2026, 6, 5, 15, 30, tzinfo=timezone.utc)) is False
    assert cal.is_business_day(datetime(2026, 6, 5, 14, 30, tzinfo=timezone.utc)) is True
    with pytest.raises(CalendarError):
        cal.is_business_day(datetime(2026, 6, 5, 10, 0))
    with pytest.raises(CalendarError):
        cal.is_business_day("2026-06-05")


def test_a_one_off_ward_closure_affects_only_that_ward():
    cal = BusinessCalendar.from_config({"ward_closures": [
        {"ward": "kawasaki", "from": "2026-06-10", "to": "2026-06-11", "reason": "コーナー移転"},
    ]})
    assert cal.is_business_day(D("2026-06-10"), "kawasaki") is False
    assert cal.closure_reason(D("2026-06-11"), "kawasaki") == "コーナー移転"
    assert cal.is_business_day(D("2026-06-12"), "kawasaki") is True
    for ward in [None, *WARDS[1:]]:
        assert cal.is_business_day(D("2026-06-10"), ward) is True
    assert cal.next_business_day(D("2026-06-09"), "kawasaki") == D("2026-06-12")
    assert cal.next_business_day(D("2026-06-09"), "saiwai") == D("2026-06-10")
    assert cal.precheck_deadline(at("2026-06-12 09:00"), "kawasaki") == at("2026-06-09 17:00")
    assert cal.precheck_deadline(at("2026-06-12 09:00"), "saiwai") == at("2026-06-11 17:00")


def test_a_one_off_city_closure_closes_every_ward_and_the_call_centre():
    cal = BusinessCalendar.from_config({"closures": [{"date": "2026-06-10", "reason": "全庁システム停止"}]})
    assert all(not cal.is_business_day(D("2026-06-10"), ward) for ward in [None, *WARDS])
    assert cal.is_call_centre_open(at("2026-06-10 10:00")) is False


def test_annual_closures_are_configuration():
    no_year_end = BusinessCalendar.from_config({"annual_closures": []})
    assert no_year_end.is_business_day(D("2026-12-29")) is True
    assert no_year_end.is_business_day(D("2027-01-01")) is False  # still 元日
    obon = BusinessCalendar.from_config({"annual_closures": [{"from": "08-13", "to": "08-14", "name": "夏季休業"}]})
    assert obon.closure_reason(D("2026-08-13")) == "夏季休業"
    assert obon.is_business_day(D("2026-12-29")) is True


def test_unknown_ward_is_refused_in_japanese(cal):
    for call in (lambda: cal.is_business_day(D("2026-06-08"), "yokohama"),
                 lambda: cal.slots("yokohama", D("2026-06-08"), D("2026-06-12")),
                 lambda: cal.corner_hours("yokohama"),
                 lambda: cal.earliest_bookable_day(D("2026-06-08"), "")):
        with pytest.raises(CalendarError) as caught:
            call()
        assert isinstance(caught.value, OkuyamiError)
        assert "区の指定" in caught.value.user_message


@pytest.mark.parametrize("day, following, preceding", [
    ("2026-06-05", "2026-06-08", "2026-06-04"),   # Friday → Monday
    ("2026-06-06", "2026-06-08", "2026-06-05"),   # Saturday
    ("2026-05-01", "2026-05-07", "2026-04-30"),   # Golden Week
    ("2026-05-07", "2026-05-08", "2026-05-01"),
    ("2026-09-18", "2026-09-24", "2026-09-17"),   # the September holidays 9/19–9/23
    ("2026-12-28", "2027-01-04", "2026-12-25"),   # year end
    ("2027-01-04", "2027-01-05", "2026-12-28"),
])
def test_next_and_previous_business_day(cal, day, following, preceding):
    assert cal.next_business_day(D(day)) == D(following)
    assert cal.previous_business_day(D(day)) == D(preceding)


@pytest.mark.parametrize("day, n, expected", [
    ("2026-04-28", 1, "2026-04-30"),    # over 昭和の日
    ("2026-04-30", 2, "2026-05-07"),    # over Golden Week 5/2–5/6
    ("2026-04-27", 4, "2026-05-07"),
    ("2026-05-01", 1, "2026-05-07"),
    ("2026-05-07", -1, "2026-05-01"),   # "1 business day before"
    ("2026-05-07", -3, "2026-04-28"),
    ("2026-05-08", -5, "2026-04-27"),
    ("2026-05-03", 0, "2026-05-07"),    # 0 on a closed day: the next business day
    ("2026-05-07", 0, "2026-05-07"),
    ("2026-12-28", 1, "2027-01-04"),
    ("2027-01-04", -1, "2026-12-28"),
    ("2026-06-08", 20, "2026-07-06"),
])
def test_add_business_days(cal, day, n, expected):
    assert cal.add_business_days(D(day), n) == D(expected)


@pytest.mark.parametrize("a, b, count", [
    ("2026-04-28", "2026-05-07", 3),    # 4/30, 5/1, 5/7 — the interval is (a, b]
    ("2026-05-01", "2026-05-06", 0),
    ("2026-05-07", "2026-05-07", 0),
    ("2026-06-05", "2026-06-08", 1),
    ("2026-05-07", "2026-04-28", -3),
    ("2026-12-25", "2027-01-04", 2),    # 12/28 and 1/4
])
def test_business_days_between(cal, a, b, count):
    assert cal.business_days_between(D(a), D(b)) == count


@pytest.mark.parametrize("start", ["2026-04-24", "2026-04-29", "2026-09-18", "2026-12-26"])
def test_adding_n_business_days_spans_n_business_days(cal, start):
    for n in range(1, 12):
        assert cal.business_days_between(D(start), cal.add_business_days(D(start), n)) == n


def test_business_day_arguments_are_checked(cal):
    with pytest.raises(CalendarError):
        cal.add_business_days(D("2026-06-08"), 1.5)
    closed = BusinessCalendar.from_config({"ward_closures": [
        {"ward": "tama", "from": "2026-01-01", "to": "2030-12-31", "reason": "工事"}]})
    with pytest.raises(CalendarError, match="no business day"):
        closed.next_business_day(D("2026-06-08"), "tama")


# ---- deadlines -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("visit, deadline", [
    ("2026-03-23 10:30", "2026-03-19 17:00"),  # Monday visit after a Friday holiday (春分の日 3/20): Thursday
    ("2026-03-19 13:00", "2026-03-18 17:00"),  # Thursday visit, the day before that holiday: Wednesday
    ("2026-04-30 09:00", "2026-04-28 17:00"),  # Thursday visit after a Wednesday holiday (昭和の日 4/29): Tuesday
    ("2026-05-07 14:30", "2026-05-01 17:00"),  # first day after Golden Week: Friday before it
    ("2026-09-24 09:00", "2026-09-18 17:00"),  # after 敬老の日・国民の休日・秋分の日
    ("2027-01-04 09:00", "2026-12-28 17:00"),  # after the year-end closure
    ("2026-06-09 09:00", "2026-06-08 17:00"),  # an ordinary Tuesday
])
def test_precheck_deadline(cal, visit, deadline):
    result = cal.precheck_deadline(at(visit))
    assert result == at(deadline)
    assert result.tzinfo == JST and result.utcoffset() == timedelta(hours=9)


def test_precheck_deadline_uses_the_tokyo_date_of_the_visit(cal):
    # 2026-03-22 15:30 UTC is Monday 3/23 00:30 in Tokyo
    assert cal.precheck_deadline(datetime(2026, 3, 22, 15, 30, tzinfo=timezone.utc)) == at("2026-03-19 17:00")
    with pytest.raises(CalendarError):
        cal.precheck_deadline(datetime(2026, 3, 23, 10, 30))


@pytest.mark.parametrize("visit, n, deadline", [
    ("2026-04-30", 3, "2026-05-08 17:00"),   # 5/1, 5/7, 5/8
    ("2026-12-25", 1, "2026-12-28 17:00"),
    ("2026-12-28", 1, "2027-01-04 17:00"),   # over the year-end closure
    ("2026-09-18", 2, "2026-09-25 17:00"),
    ("2026-06-08", 0, "2026-06-08 17:00"),
    ("2026-06-08", 5, "2026-06-15 17:00"),
])
def test_followup_deadline(cal, visit, n, deadline):
    assert cal.followup_deadline(D(visit), n) == at(deadline)


def test_followup_deadline_refuses_negative_days(cal):
    with pytest.raises(CalendarError):
        cal.followup_deadline(D("2026-06-08"), -1)


@pytest.mark.parametrize("visit, reminder", [
    ("2026-06-10", "2026-06-08"),
    ("2026-06-08", "2026-06-04"),   # Monday visit: Thursday
    ("2026-05-08", "2026-05-01"),   # 5/7, then back over Golden Week
    ("2026-09-24", "2026-09-17"),
    ("2027-01-05", "2026-12-28"),
])
def test_reminder_date(cal, visit, reminder):
    assert cal.reminder_date(D(visit)) == D(reminder)


# ---- hours ---------------------------------------------------------------------------------------------------

def test_hours(cal):
    assert cal.corner_hours() == (time(9, 0), time(16, 0))
    assert cal.corner_staff_hours() == (time(8, 30), time(17, 0))
    assert all(cal.corner_hours(ward) == (time(9, 0), time(16, 0)) for ward in WARDS)
    assert cal.call_centre_hours() == (time(9, 0), time(16, 45))
    assert cal.call_centre_staff_hours() == (time(9, 0), time(17, 0))


def test_corner_hours_per_ward():
    cal = BusinessCalendar.from_config({"wards": {"asao": {"corner_hours": {"open": "09:30", "close": "16:30"},
                                                           "slots": {"times": ["09:30", "15:00"]}}}})
    assert cal.corner_hours("asao") == (time(9, 30), time(16, 30))
    assert cal.corner_hours("tama") == (time(9, 0), time(16, 0))
    assert [s.start.time() for s in cal.slots("asao", D("2026-06-15"), D("2026-06-15"), today=D("2026-06-01"))] \
        == [time(9, 30), time(15, 0)]


@pytest.mark.parametrize("moment, is_open", [
    (at("2026-06-08 16:44"), True),
    (at("2026-06-08 16:44:59.999"), True),
    (at("2026-06-08 16:45"), False),
    (at("2026-06-08 09:00"), True),
    (at("2026-06-08 08:59:59"), False),
    (at("2026-06-06 10:00"), False),                               # Saturday
    (at("2026-05-06 10:00"), False),                               # 振替休日
    (at("2026-12-29 10:00"), False),                               # year end
    (datetime(2026, 6, 8, 7, 44, tzinfo=timezone.utc), True),      # 16:44 JST
    (datetime(2026, 6, 8, 7, 45, tzinfo=timezone.utc), False),     # 16:45 JST
])
def test_is_call_centre_open(cal, moment, is_open):
    assert cal.is_call_centre_open(moment) is is_open


def test_is_call_centre_open_refuses_naive(cal):
    with pytest.raises(CalendarError):
        cal.is_call_centre_open(datetime(2026, 6, 8, 10, 0))


# ---- booking -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("now, earliest", [
    (at("2026-04-27 10:00"), "2026-05-07"),                          # Monday before Golden Week
    (at("2026-06-05 16:00"), "2026-06-11"),                          # Friday
    (at("2026-06-06 10:00"), "2026-06-11"),                          # Saturday counts from Monday
    (datetime(2026, 6, 4, 15, 30, tzinfo=timezone.utc), "2026-06-11"),  # already Friday in Tokyo
    (at("2026-12-24 10:00"), "2027-01-05"),                          # 12/25, 12/28, 1/4, 1/5
])
def test_earliest_bookable_day_from_the_current_tokyo_date(cal, now, earliest):
    with time_machine.travel(now, tick=False):
        assert cal.earliest_bookable_day(ward="nakahara") == D(earliest)
        assert cal.earliest_bookable_day() == D(earliest)


def test_earliest_bookable_day_takes_today_and_a_per_ward_lead():
    cal = BusinessCalendar.from_config({"wards": {"tama": {"slots": {"lead_business_days": 2}}}})
    assert cal.earliest_bookable_day(D("2026-06-05"), "tama") == D("2026-06-09")
    assert cal.earliest_bookable_day(D("2026-06-05"), "asao") == D("2026-06-11")


def test_four_ninety_minute_slots_per_business_day(cal):
    slots = cal.slots("nakahara", D("2026-06-08"), D("2026-06-12"), today=D("2026-06-01"))
    assert len(slots) == 5 * 4
    assert all(isinstance(s, Slot) and s.ward == "nakahara" for s in slots)
    assert [s.start for s in slots[:4]] == [at("2026-06-08 09:00"), at("2026-06-08 10:30"),
                                            at("2026-06-08 13:00"), at("2026-06-08 14:30")]
    assert all(s.end - s.start == timedelta(minutes=90) and s.end.time() <= time(16, 0) for s in slots)
    assert all(s.start.tzinfo == JST and s.capacity == 1 and s.booked == 0 and s.available for s in slots)


def test_no_slots_on_closed_days(cal):
    slots = cal.slots("takatsu", D("2026-09-17"), D("2026-09-25"), today=D("2026-09-01"))
    assert sorted({s.start.date() for s in slots}) == [D("2026-09-17"), D("2026-09-18"), D("2026-09-24"),
                                                        D("2026-09-25")]
    assert len(slots) == 16
    year_end = cal.slots("takatsu", D("2026-12-26"), D("2027-01-04"), today=D("2026-12-01"))
    assert {s.start.date() for s in year_end} == {D("2026-12-28"), D("2027-01-04")}


def test_no_slots_earlier_than_four_business_days_ahead(cal):
    with time_machine.travel(at("2026-04-27 10:00"), tick=False):
        slots = cal.slots("saiwai", D("2026-04-27"), D("2026-05-08"))
    assert slots[0].start == at("2026-05-07 09:00")
    assert {s.start.date() for s in slots} == {D("2026-05-07"), D("2026-05-08")}
    assert cal.slots("saiwai", D("2026-06-08"), D("2026-06-10"), today=D("2026-06-08")) == []
    assert cal.slots("saiwai", D("2026-06-12"), D("2026-06-10"), today=D("2026-06-01")) == []


def test_fully_booked_slots_are_marked_unavailable():
    cal = BusinessCalendar.from_config({"wards": {"miyamae": {"slots": {"capacity": 2}}}})
    calls = []
    bookings = {at("2026-06-15 10:30"): 1, at("2026-06-15 13:00"): 2}

    def booked(ward, start):
        calls.append((ward, start))
        return bookings.get(start, 0)

    for ward, capacity in [("kawasaki", 1), ("miyamae", 2)]:
        slots = {s.start: s for s in cal.slots(ward, D("2026-06-15"), D("2026-06-15"), booked, today=D("2026-06-01"))}
        assert len(slots) == 4 and all(s.capacity == capacity for s in slots.values())
        assert slots[at("2026-06-15 09:00")].available is True
        assert slots[at("2026-06-15 10:30")].booked == 1
        assert slots[at("2026-06-15 10:30")].available is (capacity == 2)
        assert slots[at("2026-06-15 13:00")].available is False
        assert slots[at("2026-06-15 13:00")].remaining == 0
    assert calls[0] == ("kawasaki", at("2026-06-15 09:00")) and calls[0][1].tzinfo == JST
    with pytest.raises(CalendarError):
        cal.slots("kawasaki", D("2026-06-15"), D("2026-06-15"), lambda ward, start: -1, today=D("2026-06-01"))


def test_per_ward_slot_count_and_times():
    cal = BusinessCalendar.from_config({"wards": {
        "tama": {"slots": {"count": 2}},
        "asao": {"slots": {"times": ["09:00", "10:30", "13:00"], "capacity": 2}},
    }})
    day = dict(start=D("2026-06-15"), end=D("2026-06-15"), today=D("2026-06-01"))
    assert [s.start.time() for s in cal.slots("tama", **day)] == [time(9, 0), time(10, 30)]
    assert [(s.start.time(), s.capacity) for s in cal.slots("asao", **day)] == [
        (time(9, 0), 2), (time(10, 30), 2), (time(13, 0), 2)]
    assert len(cal.slots("kawasaki", **day)) == 4


def test_ward_closure_removes_that_wards_slots_only():
    cal = BusinessCalendar.from_config({"ward_closures": [{"ward": "kawasaki", "date": "2026-06-15"}]})
    day = dict(start=D("2026-06-15"), end=D("2026-06-16"), today=D("2026-06-01"))
    assert {s.start.date() for s in cal.slots("kawasaki", **day)} == {D("2026-06-16")}
    assert len(cal.slots("saiwai", **day)) == 8


def test_slot_for(cal):
    today = D("2026-06-01")
    slot = cal.slot_for("tama", at("2026-06-15 13:00"), today=today)
    assert slot == Slot("tama", at("2026-06-15 13:00"), at("2026-06-15 14:30"), 1, 0, True)
    assert cal.slot_for("tama", datetime(2026, 6, 15, 4, 0, tzinfo=timezone.utc), today=today).start \
        == at("2026-06-15 13:00")
    assert cal.slot_for("tama", at("2026-06-15 12:00"), today=today) is None    # not a slot time
    assert cal.slot_for("tama", at("2026-07-20 09:00"), today=today) is None    # 海の日
    assert cal.slot_for("tama", at("2026-06-04 09:00"), today=today) is None    # only 3 business days ahead
    assert cal.slot_for("tama", at("2026-06-05 09:00"), today=today) is not None
    assert cal.slot_for("tama", at("2026-06-15 13:00"), lambda w, s: 1, today=today).available is False


def test_slot_ranges_are_bounded(cal):
    with pytest.raises(CalendarError):
        cal.slots("tama", D("2026-06-01"), D("2028-06-01"), today=D("2026-06-01"))


# ---- configuration -------------------------------------------------------------------------------------------

def test_the_city_configuration_loads_and_is_cached():
    first = BusinessCalendar.default()
    assert BusinessCalendar.default() is first
    assert first.wards == WARDS
    assert first.config.slots.times == (time(9, 0), time(10, 30), time(13, 0), time(14, 30))
    assert first.config.slots.lead_business_days == 4


def test_the_yaml_matches_the_built_in_defaults(cal):
    defaults = BusinessCalendar.from_config({})
    assert defaults.config == cal.config
    assert set(DEFAULTS) >= {"annual_closures", "ward_closures", "slots", "hours"}


@pytest.mark.parametrize("raw, expected", [
    ({"ward_closures": [{"ward": "yokohama", "date": "2026-06-10"}]}, "unknown ward 'yokohama'"),
    ({"ward_closures": [{"date": "2026-06-10"}]}, "needs a ward"),
    ({"closures": [{"date": "2026-02-30"}]}, "'2026-02-30' is not a date"),
    ({"closures": [{"from": "2026-06-12", "to": "2026-06-10"}]}, "is after to"),
    ({"closures": [{"date": "2026-06-10", "from": "2026-06-10", "to": "2026-06-11"}]}, "either date or from/to"),
    ({"annual_closures": [{"from": "12-32", "to": "01-03"}]}, "'12-32' is not a month and day"),
    ({"closed_weekdays": ["saturday", "funday"]}, "'funday' is not one of"),
    ({"closed_weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]},
     "closes every day"),
    ({"hours": {"corner": {"open": "16:00", "close": "09:00"}}}, "opens at 16:00 but closes at 09:00"),
    ({"hours": {"call_centre": {"open": 540, "close": "16:45"}}}, "quote times"),
    ({"slots": {"times": ["09:00", "10:00"]}}, "overlap"),
    ({"slots": {"times": ["15:00"]}}, "outside the corner hours 09:00-16:00"),
    ({"slots": {"capacity": 0}}, "slots.capacity"),
    ({"wards": {"tama": {"slots": {"count": 5}}}}, "wards.tama.slots.count"),
    ({"wards": {"yokohama": {}}}, "unknown ward 'yokohama'"),
    ({"wards": {"tama": {"slot": {}}}}, "unknown key 'slot'"),
    ({"deadline": {}}, "unknown key 'deadline'"),
    ({"deadlines": {"precheck_business_days_before": -1}}, "precheck_business_days_before"),
    (["not", "a", "mapping"], "expected a mapping"),
])
def test_config_validation(raw, expected):
    with pytest.raises(CalendarError) as caught:
        BusinessCalendar.from_config(raw)
    assert expected in str(caught.value)
    assert any(expected in problem for problem in caught.value.problems)
    assert "業務カレンダーの設定に誤りがあります" in caught.value.user_message


def test_config_validation_lists_every_problem():
    with pytest.raises(CalendarError) as caught:
        BusinessCalendar.from_config({
            "ward_closures": [{"ward": "yokohama", "date": "2026-06-10"}, {"ward": "tama", "date": "June 10"}],
            "slots": {"times": ["09:00", "15:00"]},
            "wards": {"asao": {"corner_hours": {"open": "10:00", "close": "16:00"}}},
        })
    problems = caught.value.problems
    assert len(problems) == 5, problems
    assert any("yokohama" in p for p in problems) and any("'June 10'" in p for p in problems)
    assert any(p.startswith("slots.times") for p in problems)       # reported once, not once per ward
    assert [p for p in problems if p.startswith("wards.asao.slots.times")] == [  # one per slot outside 10:00-16:00
        "wards.asao.slots.times: the slot at 09:00 (90 minutes) is outside the corner hours 10:00-16:00",
        "wards.asao.slots.times: the slot at 15:00 (90 minutes) is outside the corner hours 10:00-16:00"]
    assert "（5件）" in caught.value.user_message


def test_a_broken_yaml_file_names_the_file(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text("ward_closures:\n  - {ward: kawasaki, date: 2026-13-01}\n", encoding="utf-8")
    with pytest.raises(CalendarError) as caught:
        BusinessCalendar.from_yaml(path)
    assert str(path) in str(caught.value)
    path.write_text("slots: [unclosed\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="cannot read"):
        BusinessCalendar.from_yaml(path)
