"""The fictional families the HTTP benchmarks book for (their names are the benchmarks' own, never a demo
family's): the booking payload of POST /api/v1/cases, which the public side's booking request also takes."""
from __future__ import annotations

INSURANCES = ("kouki", "kokuho", "employee")


def reservation(ward: str, slot: str, variant: int = 0) -> dict:
    """A booking with its interview answers; `variant` varies the answers (and so the departments involved)."""
    return {
        "ward": ward, "slot_start": slot, "date_of_death": "2026-11-20", "death_registered_on": "2026-11-21",
        "death_registered_municipality": "川崎市",
        "deceased": {"name": "負荷 試験", "kana": "フカ シケン", "address": "川崎市中原区小杉町1-1",
                     "birth_date": "1940-05-05"},
        "applicant": {"name": "負荷 花子", "kana": "フカ ハナコ", "address": "川崎市中原区小杉町1-2",
                      "birth_date": "1968-02-03", "phone": "044-200-0000"},
        "funeral_host": {"name": "負荷 一郎", "kana": "フカ イチロウ", "address": "川崎市中原区小杉町1-3"},
        "new_householder": {"name": "負荷 和子", "kana": "フカ カズコ", "address": "川崎市中原区小杉町1-4"},
        "relationship": "長女", "representative_heir": True,
        "answers": {"household_head": "yes", "household_members_15plus_remaining": 2,
                    "health_insurance": INSURANCES[variant % len(INSURANCES)],
                    "funeral_held": "yes", "cards": ["seal_registration"], "welfare_items": [],
                    "deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"},
    }
