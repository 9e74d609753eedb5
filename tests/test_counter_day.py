"""The counter's day (a ward's visits on any day: time, family, state, each department's pre-check, packet,
walk-ins), the visit time and family on every worklist row of a case, and what the departments wrote for the
corner on the visit screen, the case page and the guidance sheet."""
from __future__ import annotations

from datetime import timedelta

import pytest

from processes.okuyami.visit_records import case_subjects
from tests.case_support import NOW, VISIT
from tests.page_support import Browsers, new_case, page_csrf, text_of

LATER = VISIT + timedelta(hours=2, minutes=30)      # 13:00 the same Thursday


@pytest.fixture
def staff(api_app, database):
    return Browsers(api_app, database)


def precheck(api_app, case_id, department=None, result=None):
    runtime = api_app.extensions["okuyami"].runtime
    for task in runtime.list_tasks(instance_id=case_id, role="dept_staff"):
        if department and task.department != department:
            continue
        procedures = runtime.task_data(task.id)["assignment"]["procedures"]
        body = result or {"decisions": [{"id": p["id"], "action": "confirm"} for p in procedures]}
        runtime.complete_task(task.id, {"precheck_result": body}, "kumin_naka")


def day_page(client, day=None, **args):
    return client.get("/counter/day", query_string={"day": (day or VISIT.date()).isoformat(), **args})


def signed_in_again(staff, name):
    """The clock jumped days ahead: the old session has ended, the clerk signs in again."""
    staff.pop(name, None)
    return staff[name]


def test_the_counter_sees_the_wards_visits_of_the_day_in_time_order_with_their_state(api_app, staff, clock):
    late = new_case(api_app, slot_start=LATER.isoformat(), deceased={
        "name": "等々力 一郎", "kana": "トドロキ イチロウ", "address": "川崎市中原区", "birth_date": "1941-01-01"})
    early = new_case(api_app)
    precheck(api_app, early)
    precheck(api_app, late, department="kumin")
    new_case(api_app, ward="tama", death_registered_municipality="川崎市多摩区", applicant={
        "name": "多摩 花子", "kana": "タマ ハナコ", "address": "川崎市多摩区", "birth_date": "1970-01-01",
        "phone": "044-200-0000"})
    page = day_page(staff["counter_naka"])
    assert page.status_code == 200
    html = text_of(page)
    assert "令和8年12月3日（木）" in html and "2件" in html
    assert html.index("10:30") < html.index("13:00")
    assert html.index("川崎 太郎") < html.index("等々力 一郎") and "川崎 花子" in html
    assert "多摩 花子" not in html                                     # another ward's family
    assert html.count(">予約<") == 2
    rows = html.split('<tr class="state-')[1:]
    assert "期限超過" not in rows[0] and "未了" not in rows[0]        # every department done
    assert "区民課: <strong>完了</strong>" in rows[1] and "未了" in rows[1]
    assert "未作成" in rows[0]

    clock.move_to(VISIT + timedelta(minutes=3))
    counter = signed_in_again(staff, "counter_naka")
    token = page_csrf(counter, f"/cases/{early}/visit")
    counter.post(f"/cases/{early}/visit/check-in", data={"csrf_token": token})
    html = text_of(day_page(counter))
    assert ">受付中<" in html and "受付 10:33" in html
    assert "期限超過" in html                                         # the later family's open pre-checks

    clock.move_to(VISIT + timedelta(days=1))
    html = text_of(day_page(signed_in_again(staff, "counter_naka")))
    assert ">未来庁<" in html                                         # the 13:00 family never came


def test_a_walk_in_is_on_the_day_it_came_and_a_cancelled_booking_is_not_listed(api_app, api, staff):
    walk_in = new_case(api_app, channel="walk_in", actor="counter_naka")
    html = text_of(day_page(staff["counter_naka"], NOW.date()))
    assert "予約なし" in html and "受付前（予約なし）" in html and f"/cases/{walk_in}/visit" in html
    booked = new_case(api_app)
    assert api.post(f"/cases/{booked}/cancel", "op", {"reason": "ご家族の都合"}).status_code == 200
    assert "川崎 太郎" not in text_of(day_page(staff["counter_naka"]))


def test_a_supervisor_chooses_the_ward_and_other_roles_are_refused(api_app, staff):
    new_case(api_app)
    supervisor = staff["sv"]
    assert "川崎 太郎" in text_of(day_page(supervisor, ward="nakahara"))
    assert "この日の来庁予定はありません" in text_of(day_page(supervisor, ward="tama"))
    assert "川崎 太郎" not in text_of(day_page(staff["counter_tama"]))    # a counter sees only its own ward
    assert "川崎 太郎" not in text_of(day_page(staff["counter_tama"], ward="nakahara"))
    for user in ("op", "kumin_naka"):
        assert day_page(staff[user]).status_code == 403
    assert "形式で指定してください" in text_of(supervisor.get("/counter/day?day=3-12-2026"))


def test_showing_the_names_on_the_counters_day_is_audited(api_app, staff, database):
    from sqlalchemy import text

    case_id = new_case(api_app)
    day_page(staff["counter_naka"])
    with database.transaction(write=False) as session:
        reads = session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' AND "
                                     "actor = 'counter_naka' AND instance_id = :i"), {"i": case_id}).scalar()
    assert reads == 1


def test_worklist_rows_show_the_visit_time_and_family_and_visits_come_in_time_order(api_app, staff, clock):
    late = new_case(api_app, slot_start=LATER.isoformat())
    early = new_case(api_app, applicant={"name": "川崎 次郎", "kana": "カワサキ ジロウ", "address": "川崎市中原区",
                                         "birth_date": "1970-01-01", "phone": "044-200-0000"})
    for case_id in (late, early):
        precheck(api_app, case_id)
    html = text_of(staff["counter_naka"].get("/tasks?tab=group"))
    assert "来庁 12/3（木）10:30" in html and "来庁 12/3（木）13:00" in html
    assert html.index("来庁 12/3（木）10:30") < html.index("来庁 12/3（木）13:00")
    assert "川崎 太郎 様" in html
    assert "2026-12-03T03:00:00+00:00" in html          # due: the end of the 10:30 slot (12:00 in Tokyo)


def test_the_case_subjects_name_the_family_only_for_a_reader(api_app, database):
    case_id = new_case(api_app)
    with database.transaction() as session:
        hidden = case_subjects(session, [case_id])
        shown = case_subjects(session, [case_id], reader="counter_naka")
    assert hidden[case_id].visit_at == VISIT and hidden[case_id].deceased == ""
    assert shown[case_id].deceased == "川崎 太郎"


def test_what_the_departments_wrote_reaches_the_counter(api_app, staff, clock):
    case_id = new_case(api_app)
    precheck(api_app, case_id, department="kumin", result={
        "decisions": [{"id": "JU02", "action": "drop", "reason": "印鑑登録はされていなかった"},
                      {"id": "JU04", "action": "add", "reason": "住基カードの保有を確認"},
                      {"id": "JU01", "action": "confirm"}, {"id": "JU03", "action": "confirm"},
                      {"id": "JU05", "action": "confirm"}],
        "note": "長女の方が住所変更の相談を希望。2番窓口へ。", "documents_prepared": True})
    precheck(api_app, case_id)
    clock.move_to(VISIT)
    counter = signed_in_again(staff, "counter_naka")
    for path in (f"/cases/{case_id}/visit", f"/cases/{case_id}", f"/cases/{case_id}/guidance"):
        html = text_of(counter.get(path))
        assert "担当課からの申し送り" in html, path
        assert "長女の方が住所変更の相談を希望。2番窓口へ。" in html, path
        assert "印鑑登録の廃止" in html and "印鑑登録はされていなかった" in html, path
        assert "住民基本台帳カード返納" in html, path
    guidance = text_of(counter.get(f"/cases/{case_id}/guidance"))
    assert 'class="no-print staff-notes"' in guidance               # on screen for the counter, not printed
    own = text_of(signed_in_again(staff, "kumin_naka").get(f"/cases/{case_id}"))
    assert "長女の方が住所変更の相談を希望" in own


def test_the_demo_cases_carry_the_check_in_and_check_out_their_state_implies(case_runtime, database):
    from sqlalchemy import select

    from processes.demo.cases import seed_demo_cases
    from processes.okuyami.visit_models import CaseVisit

    report = seed_demo_cases(case_runtime)
    case_of = {line.split(":")[1].strip(): int(line.split()[1].rstrip(":")) for line in report}
    with database.transaction(write=False) as session:
        rows = {row.instance_id: row for row in session.scalars(select(CaseVisit))}
        at_counter = rows[case_of["来庁中（受付済み）"]]
        assert at_counter.checked_in_at is not None and at_counter.checked_out_at is None
        for state in ("来庁済み・フォローアップ電話待ち", "来庁済み・アンケート待ち（川崎区）", "終了（アンケート回答済み、幸区）"):
            row = rows[case_of[state]]
            assert row.checked_out_at - row.checked_in_at == timedelta(minutes=75), state
            assert row.checked_in_at >= row.slot_start, state
        for state in ("来庁待ち（事前確認完了）", "予約日時を変更（宮前区）", "予約なしの来庁・対応中（川崎区）"):
            assert rows[case_of[state]].checked_in_at is None, state
        cancelled = rows[case_of["予約取消（高津区）"]]
        assert cancelled.seat is None and cancelled.cancelled_at is not None
        assert rows[case_of["予約なしの来庁・対応中（川崎区）"]].channel == "walk_in"
        held = [(r.ward, r.slot_start) for r in rows.values() if r.seat is not None]
        assert len(held) == len(set(held)) >= 9


def test_the_packet_is_ready_only_while_it_was_made_from_the_case_as_it_is_now(api_app, staff, database):
    from processes.documents.packets import build_packet
    from tests.packet_support import RecordingPool

    runtime = api_app.extensions["okuyami"].runtime
    case_id = new_case(api_app)
    assert "未作成" in text_of(day_page(staff["counter_naka"]))
    assert build_packet(database, runtime, case_id, RecordingPool())     # asked for before the pre-checks
    assert "準備済み" in text_of(day_page(staff["counter_naka"]))
    precheck(api_app, case_id, department="kumin", result={
        "decisions": [{"id": "JU02", "action": "drop", "reason": "印鑑登録はされていなかった"},
                      {"id": "JU01", "action": "confirm"}, {"id": "JU03", "action": "confirm"},
                      {"id": "JU05", "action": "confirm"}]})
    precheck(api_app, case_id)                                           # what the packet prints has changed
    html = text_of(day_page(staff["counter_naka"]))
    assert "準備済み" not in html and "作り直し待ち" in html
    assert build_packet(database, runtime, case_id, RecordingPool())
    assert "準備済み" in text_of(day_page(staff["counter_naka"]))


def test_the_previous_and_next_day_are_the_days_the_corner_is_open(staff):
    counter = staff["counter_naka"]
    friday = text_of(day_page(counter, VISIT.date() + timedelta(days=1)))
    assert "令和8年12月4日（金）" in friday
    assert 'day=2026-12-07"' in friday and "次の日 12/7（月）" in friday           # the weekend is skipped
    assert 'day=2026-12-03"' in friday and "前の日 12/3（木）" in friday
    monday = text_of(day_page(counter, VISIT.date() + timedelta(days=4)))
    assert "前の日 12/4（金）" in monday
    year_end = text_of(day_page(counter, VISIT.date().replace(day=28)))
    assert "次の日 1/4（月）" in year_end and 'day=2027-01-04"' in year_end        # the year-end closure
    saturday = text_of(day_page(counter, VISIT.date() + timedelta(days=2)))        # any day by the date field
    assert "令和8年12月5日（土）" in saturday and "休業日です（土曜日）" in saturday
    assert "次の日 12/7（月）" in saturday and "前の日 12/4（金）" in saturday
