"""What a business day of N cases asks of the system (issue #20, 1), as a pure plan: which ward each family
visits, whether it booked by phone or sent an online request, whether its visit asks for a follow-up call; and
the work that goes with the cases (about 3 contact records and 5 FAQ searches per case, about 10 worklist and
case-page reads per completed task). bench/japan_day.py carries it out over HTTP."""
from __future__ import annotations

import math
from dataclasses import dataclass

WARDS = ("kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao")
CONTACTS_PER_CASE = 3
SEARCHES_PER_CASE = 5
READS_PER_TASK = 10
ONLINE_EVERY = 5          # one family in five sends its booking request from home (the public side)
FOLLOWUP_EVERY = 3        # one visit in three asks for a follow-up call
SLOT_TIMES = ("09:00", "10:30", "13:00", "14:30")   # a visit takes 90 minutes: 4 slots fit the corner's 9:00-16:00
FAMILIES_PER_SLOT = 20    # the most the ward settings take
FAQ_WORDS = ("葬祭費", "年金", "介護保険", "印鑑登録", "マイナンバー", "世帯主", "児童手当", "相続", "国民健康保険",
             "高額療養費", "未支給年金", "固定資産税")
CONTACT_CATEGORIES = ("おくやみコーナーの予約・案内", "戸籍・住民票・印鑑登録", "国民健康保険・後期高齢者医療・年金",
                      "介護保険", "税（市県民税・軽自動車税など）")


@dataclass(frozen=True)
class CasePlan:
    number: int
    ward: str
    channel: str          # "phone" (the operator books through the API) or "web" (a request from the public side)
    followup: bool


@dataclass(frozen=True)
class DayPlan:
    cases: tuple[CasePlan, ...]
    contacts: int
    searches: int
    reads_per_task: int
    visit_days: int

    def of_channel(self, channel: str) -> list[CasePlan]:
        return [c for c in self.cases if c.channel == channel]


def seats_per_ward_day() -> int:
    return len(SLOT_TIMES) * FAMILIES_PER_SLOT


def plan_day(cases: int) -> DayPlan:
    """The day of `cases` families, spread evenly over the wards; a ward's families fill its visit days' seats one
    after the other (`visit_days` is how many days that takes when each holds seats_per_ward_day())."""
    if cases < 1:
        raise ValueError("a day has at least one case")
    planned = []
    for number in range(cases):
        planned.append(CasePlan(number, WARDS[number % len(WARDS)],
                                "web" if number % ONLINE_EVERY == ONLINE_EVERY - 1 else "phone",
                                number % FOLLOWUP_EVERY == 0))
    return DayPlan(tuple(planned), CONTACTS_PER_CASE * cases, SEARCHES_PER_CASE * cases, READS_PER_TASK,
                   math.ceil(math.ceil(cases / len(WARDS)) / seats_per_ward_day()))
