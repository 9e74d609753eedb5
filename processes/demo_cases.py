"""Sample cases for the demo city: fictional families at different steps of the journey."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.runtime import WorkflowRuntime

from .calendar import BusinessCalendar, today_jst
from .okuyami.cases import start_case

FAMILIES = [
    ("川崎 一郎", "カワサキ イチロウ", "1938-03-14", "川崎 和子", "カワサキ カズコ", "長女", "nakahara"),
    ("中原 清", "ナカハラ キヨシ", "1945-08-02", "中原 美樹", "ナカハラ ミキ", "妻", "nakahara"),
    ("高津 茂", "タカツ シゲル", "1951-11-23", "高津 健太", "タカツ ケンタ", "長男", "nakahara"),
    ("幸 花江", "サイワイ ハナエ", "1933-05-30", "幸 誠", "サイワイ マコト", "長男", "saiwai"),
    ("多摩 次郎", "タマ ジロウ", "1960-01-09", "多摩 由美", "タマ ユミ", "妻", "tama"),
]
ANSWERS = {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
           "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": ["KS01"],
           "care_certification": "yes", "medical_costs_last_2y": "unknown"}


def _reservation(family, slot: datetime | None, died: date) -> dict:
    name, kana, birth, applicant, applicant_kana, relationship, ward = family
    data = {"ward": ward, "date_of_death": died.isoformat(), "death_registered_on": (died + timedelta(days=1)).isoformat(),
            "death_registered_municipality": "川崎市", "relationship": relationship, "representative_heir": True,
            "deceased": {"name": name, "kana": kana, "address": "川崎市（デモ用の住所）", "birth_date": birth},
            "applicant": {"name": applicant, "kana": applicant_kana, "address": "川崎市（デモ用の住所）",
                          "birth_date": "1965-04-01", "phone": "044-200-0000"},
            "answers": {**ANSWERS, "deceased_birth_date": birth, "date_of_death": died.isoformat()}}
    if slot is not None:
        data["slot_start"] = slot.isoformat()
    return data


def seed_demo_cases(runtime: WorkflowRuntime, today: date | None = None) -> list[str]:
    """One case waiting for its booking, three booked and in pre-check, one walk-in at the counter."""
    calendar = BusinessCalendar.default()
    today = today or today_jst()
    died = calendar.previous_business_day(today)
    report = []
    waiting = start_case(runtime, "booking", "operator1")
    report.append(f"case {waiting.id}: 予約受付待ち")
    for family in FAMILIES[:4]:
        ward = family[-1]
        slot = next(s for s in calendar.slots(ward, today, today + timedelta(days=30), today=today) if s.available)
        case = start_case(runtime, "booking", "operator1", ward=ward)
        runtime.complete_task(case.new_tasks[0], _reservation(family, slot.start, died), "operator1")
        report.append(f"case {case.id}: 事前確認中（{ward}）")
    walk_in = start_case(runtime, "walk_in", "counter_nakahara", ward=FAMILIES[4][-1])
    runtime.complete_task(walk_in.new_tasks[0], _reservation(FAMILIES[4], None, died), "counter_nakahara")
    report.append(f"case {walk_in.id}: 来庁対応中（{FAMILIES[4][-1]}）")
    return report
