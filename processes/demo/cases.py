"""Sample cases for the demo city: fictional families at every step of the journey, in several wards, so that
every screen (worklists, case, visit, follow-up, audit) has something to show."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.runtime import WorkflowRuntime
from processes.calendar import BusinessCalendar, today_jst
from processes.calendar.slots import JST
from processes.okuyami.cases import start_case
from processes.okuyami.visit import check_in
from processes.okuyami.visit_records import ensure_row, hold_slot, record_walk_in, release_slot
from processes.tasks.access import Actor
from processes.wards import load_wards


def _family(name, kana, birth, applicant, applicant_kana, relationship, ward, **people):
    return {"name": name, "kana": kana, "birth": birth, "applicant": applicant, "applicant_kana": applicant_kana,
            "relationship": relationship, "ward": ward, **people}


FAMILIES = {
    "awaiting_precheck": _family("川崎 一郎", "カワサキ イチロウ", "1938-03-14", "川崎 和子", "カワサキ カズコ", "長女", "nakahara"),
    "awaiting_precheck_kawasaki": _family("大師 正男", "ダイシ マサオ", "1942-07-07", "大師 恵子", "ダイシ ケイコ", "妻", "kawasaki"),
    "precheck_partly_done": _family("中原 清", "ナカハラ キヨシ", "1945-08-02", "中原 美樹", "ナカハラ ミキ", "妻", "nakahara"),
    # the one family where the applicant is also the 喪主 and the new householder (one person, one address)
    "ready_for_visit": _family("高津 茂", "タカツ シゲル", "1951-11-23", "高津 健太", "タカツ ケンタ", "長男", "nakahara",
                               host="applicant", householder="applicant", insurance="kokuho"),
    "checked_in": _family("小杉 トメ", "コスギ トメ", "1930-01-20", "小杉 隆", "コスギ タカシ", "長男", "nakahara"),
    "awaiting_followup": _family("武蔵 誠一", "ムサシ セイイチ", "1948-04-10", "武蔵 陽子", "ムサシ ヨウコ", "長女", "nakahara"),
    "awaiting_survey": _family("田島 和夫", "タジマ カズオ", "1947-09-15", "田島 裕子", "タジマ ユウコ", "妻", "kawasaki"),
    "closed": _family("幸 花江", "サイワイ ハナエ", "1933-05-30", "幸 誠", "サイワイ マコト", "長男", "saiwai"),
    "cancelled": _family("溝口 進", "ミゾノクチ ススム", "1940-12-01", "溝口 洋子", "ミゾノクチ ヨウコ", "長女", "takatsu"),
    "moved": _family("宮前 文子", "ミヤマエ フミコ", "1936-02-11", "宮前 浩", "ミヤマエ ヒロシ", "長男", "miyamae"),
    "walk_in": _family("多摩 次郎", "タマ ジロウ", "1960-01-09", "多摩 由美", "タマ ユミ", "妻", "kawasaki",
                       insurance="kokuho"),
    "overdue_precheck": _family("麻生 昭", "アソウ アキラ", "1944-06-18", "麻生 千里", "アソウ チサト", "長女", "nakahara"),
    "booked_asao": _family("百合丘 久", "ユリガオカ ヒサシ", "1939-10-03", "百合丘 恵", "ユリガオカ メグミ", "次女", "asao",
                           insurance="unknown"),
}
HOSTS = ("光男", "ミツオ"), ("昌子", "マサコ"), ("直樹", "ナオキ"), ("智子", "トモコ"), ("大輔", "ダイスケ")
HOUSEHOLDERS = ("幸子", "サチコ"), ("翔太", "ショウタ"), ("真理", "マリ"), ("勝", "マサル"), ("玲奈", "レイナ")
TOWNS = {"kawasaki": "川崎区大師町", "saiwai": "幸区戸手本町", "nakahara": "中原区小杉町", "takatsu": "高津区溝口",
         "miyamae": "宮前区宮前平", "tama": "多摩区登戸", "asao": "麻生区万福寺"}
ANSWERS = {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
           "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": ["KS01"],
           "care_certification": "yes", "medical_costs_last_2y": "unknown"}
DEMO_SEATS = 4
"""Seat numbers a demo booking may take (the demo never books a slot twice)."""
OPERATOR, COUNTER = "operator1", {"nakahara": "counter_nakahara", "kawasaki": "counter_kawasaki"}


def family_people(key: str) -> dict:
    """The family's people for the forms: the deceased, the applicant, the 喪主 and the new householder, each a
    different person at a different address (so a form filled from the wrong person shows it), except in the
    family where the applicant is named as the 喪主 and the new householder."""
    family, number = FAMILIES[key], list(FAMILIES).index(key)
    surname, surname_kana = family["name"].split()[0], family["kana"].split()[0]
    deceased = {"name": family["name"], "kana": family["kana"], "birth_date": family["birth"],
                "address": f"川崎市{TOWNS[family['ward']]}{number + 1}-{number + 3}-{number + 10}"}
    applicant = {"name": family["applicant"], "kana": family["applicant_kana"],
                 "birth_date": f"{1962 + number % 8}-0{1 + number % 9}-1{number % 10}", "phone": f"090-1234-{5600 + number}",
                 "address": (f"横浜市港北区日吉{number + 1}-{number + 2}-{number + 5}" if number % 2
                             else f"東京都世田谷区玉川{number + 1}-{number + 4}-{number + 2}")}

    def relative(names, town) -> dict:
        given, given_kana = names[number % len(names)]
        return {"name": f"{surname} {given}", "kana": f"{surname_kana} {given_kana}",
                "address": f"{town}{number + 2}-{number + 1}-{number + 7}"}
    applicant_only = {k: applicant[k] for k in ("name", "kana", "address")}
    host = applicant_only if family.get("host") == "applicant" else relative(HOSTS, "相模原市中央区富士見")
    householder = (applicant_only if family.get("householder") == "applicant"
                   else relative(HOUSEHOLDERS, f"川崎市{TOWNS[family['ward']]}"))
    return {"deceased": deceased, "applicant": applicant, "funeral_host": host, "new_householder": householder}


def _reservation(key: str, slot: datetime | None, died: date) -> dict:
    family, people = FAMILIES[key], family_people(key)
    data = {"ward": family["ward"], "date_of_death": died.isoformat(),
            "death_registered_on": (died + timedelta(days=1)).isoformat(),
            "death_registered_municipality": "川崎市", "relationship": family["relationship"],
            "representative_heir": True, **people,
            "answers": {**ANSWERS, "health_insurance": family.get("insurance", ANSWERS["health_insurance"]),
                        "deceased_birth_date": family["birth"], "date_of_death": died.isoformat()}}
    if slot is not None:
        data["slot_start"] = slot.isoformat()
    return data


class _Seeder:
    def __init__(self, runtime: WorkflowRuntime, today: date):
        self.runtime, self.today = runtime, today
        self.calendar = BusinessCalendar.default()
        self.died = today
        for _ in range(6):   # a week before the earliest visit of the demo
            self.died = self.calendar.previous_business_day(self.died)
        self.taken: set[tuple[str, datetime]] = set()

    def free_slot(self, ward: str, skip: int = 0) -> datetime:
        """A free bookable slot of the ward (the `skip`-th), never one another demo case holds."""
        free = [s.start for s in self.calendar.slots(ward, self.today, self.today + timedelta(days=40), today=self.today)
                if s.available and (ward, s.start) not in self.taken]
        self.taken.add((ward, free[skip]))
        return free[skip]

    def at(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=JST).replace(hour=hour, minute=minute)

    def book(self, key: str, slot: datetime | None = None) -> int:
        family = FAMILIES[key]
        slot = slot or self.free_slot(family["ward"])
        case = start_case(self.runtime, "booking", OPERATOR, ward=family["ward"])
        self.runtime.complete_task(case.new_tasks[0], _reservation(key, slot, self.died), OPERATOR)
        self.hold(case.id, slot)
        return case.id

    def hold(self, case_id: int, slot: datetime) -> None:
        """The booking's seat in case_visits, as the booking screen takes it (the demo books slots in the past,
        which the screen would refuse, so the calendar's rules are not asked)."""
        data = self.runtime.instance_data(case_id)
        with self.runtime.db.transaction() as session:
            hold_slot(session, case_id, data["ward"], slot, DEMO_SEATS, data)

    def precheck(self, case_id: int, departments: set[str] | None = None) -> None:
        for task in self.runtime.list_tasks(instance_id=case_id, role="dept_staff"):
            if departments is not None and task.department not in departments:
                continue
            assignment = self.runtime.task_data(task.id)["assignment"]
            decisions = [{"id": p["id"], "action": "confirm"} for p in assignment["procedures"]]
            self.runtime.complete_task(task.id, {"precheck_result": {"decisions": decisions}},
                                       f"{task.department}_{task.ward}")

    def visit(self, case_id: int, ward: str, followup: bool) -> None:
        [task] = [t for t in self.runtime.list_tasks(instance_id=case_id) if t.spec_name == "visit"]
        data = self.runtime.instance_data(case_id)
        checked_in = datetime.fromisoformat(data["slot_start"]) + timedelta(minutes=5)
        outcomes = [{"id": p["id"], "outcome": "corner" if p["id"].startswith("JU") else "guided"}
                    for p in data.get("procedures", []) if p.get("status") != "dropped"]
        form = {"checked_in_at": checked_in.isoformat(),
                "checked_out_at": (checked_in + timedelta(minutes=75)).isoformat(),
                "outcomes": outcomes, "followup_requested": followup}
        if followup:
            form["followup_reason"] = "保険年金課の手続の期限を、後日お電話でお伝えする"
        with self.runtime.db.transaction() as session:
            row = ensure_row(session, case_id, data)
            row.checked_in_at, row.checked_out_at = checked_in, checked_in + timedelta(minutes=75)
            self.runtime.complete_task(task.id, form, COUNTER.get(ward, "counter_nakahara"), session=session)


def seed_demo_cases(runtime: WorkflowRuntime, today: date | None = None) -> list[str]:
    """A dozen cases, one per step of the journey (see the report lines for what each shows)."""
    seeder = _Seeder(runtime, today or today_jst())
    rt = seeder.runtime
    report = []
    # Visits already made were booked for the last business day; today's visits for today.
    yesterday = seeder.calendar.previous_business_day(seeder.today)
    visit_day = seeder.today if seeder.calendar.is_business_day(seeder.today) else seeder.calendar.next_business_day(seeder.today)

    waiting = start_case(rt, "booking", OPERATOR)
    report.append(f"case {waiting.id}: 予約受付中（オペレーターのタスク）")
    for key in ("awaiting_precheck", "awaiting_precheck_kawasaki", "booked_asao"):
        case_id = seeder.book(key)
        report.append(f"case {case_id}: 事前確認待ち（{load_wards()[FAMILIES[key]['ward']].name}）")

    partly = seeder.book("precheck_partly_done")
    seeder.precheck(partly, {"kumin"})
    report.append(f"case {partly}: 事前確認の一部が完了（中原区、区民課のみ）")

    ready = seeder.book("ready_for_visit")
    seeder.precheck(ready)
    report.append(f"case {ready}: 来庁待ち（事前確認完了）")
    arrived = seeder.book("checked_in", seeder.at(visit_day, 10, 30))
    seeder.precheck(arrived)
    with rt.db.transaction() as session:
        check_in(session, rt, Actor(COUNTER["nakahara"], "counter", "nakahara", None), arrived,
                 now=seeder.at(visit_day, 10, 35))
    report.append(f"case {arrived}: 来庁中（受付済み）")

    followup = seeder.book("awaiting_followup", seeder.at(yesterday, 10, 30))
    seeder.precheck(followup)
    seeder.visit(followup, "nakahara", followup=True)
    report.append(f"case {followup}: 来庁済み・フォローアップ電話待ち")

    survey = seeder.book("awaiting_survey", seeder.at(yesterday, 13, 0))
    seeder.precheck(survey)
    seeder.visit(survey, "kawasaki", followup=False)
    report.append(f"case {survey}: 来庁済み・アンケート待ち（川崎区）")

    closed = seeder.book("closed", seeder.at(seeder.calendar.previous_business_day(yesterday), 9, 0))
    seeder.precheck(closed)
    seeder.visit(closed, "saiwai", followup=False)
    rt.message(closed, "survey_answered", "citizen", {"satisfaction_corner": 5, "satisfaction_call_centre": 4})
    report.append(f"case {closed}: 終了（アンケート回答済み、幸区）")

    cancelled = seeder.book("cancelled")
    rt.message(cancelled, "booking_cancelled", OPERATOR, {"reason": "ご家族の都合で来庁を取りやめ"})
    with rt.db.transaction() as session:
        release_slot(session, cancelled)
    report.append(f"case {cancelled}: 予約取消（高津区）")

    moved = seeder.book("moved")
    new_slot = seeder.free_slot("miyamae", skip=2)
    rt.message(moved, "booking_moved", OPERATOR, {"slot_start": new_slot.isoformat()})
    seeder.hold(moved, new_slot)
    report.append(f"case {moved}: 予約日時を変更（宮前区）")

    walk_in = start_case(rt, "walk_in", COUNTER["kawasaki"], ward="kawasaki")
    rt.complete_task(walk_in.new_tasks[0], _reservation("walk_in", None, seeder.died), COUNTER["kawasaki"])
    with rt.db.transaction() as session:
        record_walk_in(session, walk_in.id, "kawasaki", rt.instance_data(walk_in.id, session=session), seeder.today)
    report.append(f"case {walk_in.id}: 予約なしの来庁・対応中（川崎区）")

    # A visit due today whose pre-checks are still open: the deadline (17:00 the business day before) has passed;
    # a deadline set in the past fires at the worker's next pass (a few minutes after seeding).
    overdue = seeder.book("overdue_precheck", seeder.at(visit_day, 14, 30))
    report.append(f"case {overdue}: 事前確認の期限超過（中原区、本日来庁）")
    return report
