"""Sample cases for the demo city: fictional families at every step of the journey, in several wards, so that
every screen (worklists, case, visit, follow-up, audit) has something to show."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.runtime import WorkflowRuntime

from processes.tasks.access import Actor
from processes.calendar import BusinessCalendar, today_jst
from processes.calendar.slots import JST
from processes.okuyami.cases import start_case
from processes.okuyami.visit import check_in
from processes.okuyami.wards import load_wards


def _family(name, kana, birth, applicant, applicant_kana, relationship, ward):
    return {"name": name, "kana": kana, "birth": birth, "applicant": applicant, "applicant_kana": applicant_kana,
            "relationship": relationship, "ward": ward}


FAMILIES = {
    "awaiting_precheck": _family("川崎 一郎", "カワサキ イチロウ", "1938-03-14", "川崎 和子", "カワサキ カズコ", "長女", "nakahara"),
    "awaiting_precheck_kawasaki": _family("大師 正男", "ダイシ マサオ", "1942-07-07", "大師 恵子", "ダイシ ケイコ", "妻", "kawasaki"),
    "precheck_partly_done": _family("中原 清", "ナカハラ キヨシ", "1945-08-02", "中原 美樹", "ナカハラ ミキ", "妻", "nakahara"),
    "ready_for_visit": _family("高津 茂", "タカツ シゲル", "1951-11-23", "高津 健太", "タカツ ケンタ", "長男", "nakahara"),
    "checked_in": _family("小杉 トメ", "コスギ トメ", "1930-01-20", "小杉 隆", "コスギ タカシ", "長男", "nakahara"),
    "awaiting_followup": _family("武蔵 誠一", "ムサシ セイイチ", "1948-04-10", "武蔵 陽子", "ムサシ ヨウコ", "長女", "nakahara"),
    "awaiting_survey": _family("田島 和夫", "タジマ カズオ", "1947-09-15", "田島 裕子", "タジマ ユウコ", "妻", "kawasaki"),
    "closed": _family("幸 花江", "サイワイ ハナエ", "1933-05-30", "幸 誠", "サイワイ マコト", "長男", "saiwai"),
    "cancelled": _family("溝口 進", "ミゾノクチ ススム", "1940-12-01", "溝口 洋子", "ミゾノクチ ヨウコ", "長女", "takatsu"),
    "moved": _family("宮前 文子", "ミヤマエ フミコ", "1936-02-11", "宮前 浩", "ミヤマエ ヒロシ", "長男", "miyamae"),
    "walk_in": _family("多摩 次郎", "タマ ジロウ", "1960-01-09", "多摩 由美", "タマ ユミ", "妻", "kawasaki"),
    "overdue_precheck": _family("麻生 昭", "アソウ アキラ", "1944-06-18", "麻生 千里", "アソウ チサト", "長女", "nakahara"),
    "booked_asao": _family("百合丘 久", "ユリガオカ ヒサシ", "1939-10-03", "百合丘 恵", "ユリガオカ メグミ", "次女", "asao"),
}
ANSWERS = {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
           "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": ["KS01"],
           "care_certification": "yes", "medical_costs_last_2y": "unknown"}
OPERATOR, COUNTER = "operator1", {"nakahara": "counter_nakahara", "kawasaki": "counter_kawasaki"}


def _reservation(family: dict, slot: datetime | None, died: date) -> dict:
    data = {"ward": family["ward"], "date_of_death": died.isoformat(),
            "death_registered_on": (died + timedelta(days=1)).isoformat(),
            "death_registered_municipality": "川崎市", "relationship": family["relationship"],
            "representative_heir": True,
            "deceased": {"name": family["name"], "kana": family["kana"], "address": "川崎市（デモ用の住所）",
                         "birth_date": family["birth"]},
            "applicant": {"name": family["applicant"], "kana": family["applicant_kana"],
                          "address": "川崎市（デモ用の住所）", "birth_date": "1965-04-01", "phone": "044-200-0000"},
            "answers": {**ANSWERS, "deceased_birth_date": family["birth"], "date_of_death": died.isoformat()}}
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
        self.runtime.complete_task(case.new_tasks[0], _reservation(family, slot, self.died), OPERATOR)
        return case.id

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
        self.runtime.complete_task(task.id, form, COUNTER.get(ward, "counter_nakahara"))


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
        check_in(session, rt, Actor(COUNTER["nakahara"], "counter", "nakahara", None), arrived)
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
    report.append(f"case {cancelled}: 予約取消（高津区）")

    moved = seeder.book("moved")
    rt.message(moved, "booking_moved", OPERATOR, {"slot_start": seeder.free_slot("miyamae", skip=2).isoformat()})
    report.append(f"case {moved}: 予約日時を変更（宮前区）")

    walk_in = start_case(rt, "walk_in", COUNTER["kawasaki"], ward="kawasaki")
    rt.complete_task(walk_in.new_tasks[0], _reservation(FAMILIES["walk_in"], None, seeder.died), COUNTER["kawasaki"])
    report.append(f"case {walk_in.id}: 予約なしの来庁・対応中（川崎区）")

    # A visit due today whose pre-checks are still open: the deadline (17:00 the business day before) has passed;
    # a deadline set in the past fires at the worker's next pass (a few minutes after seeding).
    overdue = seeder.book("overdue_precheck", seeder.at(visit_day, 14, 30))
    report.append(f"case {overdue}: 事前確認の期限超過（中原区、本日来庁）")
    return report
