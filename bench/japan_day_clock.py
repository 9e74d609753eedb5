"""The japan_day benchmark's days: the booking day (the next business day after today) and the moves of every
process's clock (bench/shifted_clock.py) to a visit day or past the survey's 14 days."""
from __future__ import annotations

import os
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from bench.shifted_clock import CLOCK_FILE, install_from_environment, real_time, write_offset
from engine.settings import PROJECT_ROOT
from processes.calendar import JST, BusinessCalendar, today_jst

SETTLE_SECONDS = 0.75   # every process has read the new offset (each looks every 0.25 s)
OPENING = clock_time(9, 0)


class DayClock:
    def __init__(self, path: Path):
        self.path = path
        self.booking_day = BusinessCalendar.default().next_business_day(today_jst())
        self.move_to(self.booking_day, settle=False)

    def environment(self) -> dict:
        """What a process needs to live on this clock."""
        paths = [str(PROJECT_ROOT / "bench" / "clock"), str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
        return {CLOCK_FILE: str(self.path), "PYTHONPATH": os.pathsep.join(p for p in paths if p)}

    def follow(self) -> None:
        """This process too (the check-out time and the contact records' times it sends are then the app's)."""
        os.environ[CLOCK_FILE] = str(self.path)
        install_from_environment()

    def move_to(self, day: date, at: clock_time = OPENING, settle: bool = True) -> None:
        write_offset(self.path, datetime.combine(day, at, tzinfo=JST).timestamp() - real_time())
        if settle:
            time.sleep(SETTLE_SECONDS)
