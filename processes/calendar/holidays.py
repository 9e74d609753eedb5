"""Japanese national holidays (国民の祝日), including 振替休日 and 国民の休日.

Package choice: `holidays` (python-holidays, the Open World Holidays Framework). It is actively maintained
with frequent releases, covers Japan from 1949 to 2099 under the 祝日法 rules — 振替休日 (a holiday falling on a
Sunday moves to the next non-holiday), 国民の休日 (a day sandwiched between two holidays), the moved Olympic
holidays of 2020/2021 and the one-off imperial days — and ships Japanese names (`language="ja"`). `jpholiday`
is equally correct for Japan but a single-country package with a smaller maintainer base; `holidays` is the
more broadly used and more frequently released of the two, so a new law reaches us faster.

Holidays are computed once per year and kept (the library's own lazy expansion mutates shared state, which we
avoid touching from several threads).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

import holidays as _holidays

from processes.calendar.errors import CalendarError

FIRST_YEAR = _holidays.Japan.start_year  # 1949, the year the 祝日法 took effect
LAST_YEAR = _holidays.Japan.end_year  # the library's horizon (equinoxes are computed astronomically)


@lru_cache(maxsize=None)
def national_holidays(year: int) -> Mapping[date, str]:
    """The national holidays of `year`: {date: Japanese name}, read-only."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(
            f"national holidays are known for {FIRST_YEAR}-{LAST_YEAR} only, not {year}",
            user_message=f"{year}年の祝日は計算できません（{FIRST_YEAR}年から{LAST_YEAR}年まで対応）。",
        )
    table = _holidays.Japan(years=year, language="ja")
    return MappingProxyType({day: str(name) for day, name in sorted(table.items())})


def national_holiday_name(day: date) -> str | None:
    """The holiday's Japanese name (e.g. "振替休日", "国民の休日"), or None on an ordinary day."""
    return national_holidays(day.year).get(day)


def is_national_holiday(day: date) -> bool:
    return national_holiday_name(day) is not None
