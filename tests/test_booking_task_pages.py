"""The booking screen as the operator meets it: opened from the worklist's 予約受付・問診 task (and completing that
task), birth dates in 和暦 and フリガナ in half-width kana or hiragana accepted and read back in both forms, the
family's contact preference asked, questions not asked yet shown as 未回答 apart from the family's わからない."""
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.db.models import AuditEntry, HumanTask
from processes.okuyami.booking_form import form_fields
from processes.okuyami.cases import start_case
from tests.case_support import reservation
from tests.page_support import page_csrf, text_of

NEW = "/bookings/new"


def posted(body: dict, token: str, **extra) -> MultiDict:
    return MultiDict([("csrf_token", token), *form_fields(body), *extra.items()])


def as_clerk_types_it(body: dict) -> dict:
    """The reservation with the birth dates and readings the way the clerk typed them on the phone."""
    body["deceased"] = {**body["deceased"], "birth_date": "昭和15年5月5日", "kana": "ｶﾜｻｷ ﾀﾛｳ"}
    body["applicant"] = {**body["applicant"], "birth_date": "S43.2.3", "kana": "かわさき はなこ"}
    return body


def booking_task(app, case_id):
    return next(t for t in app.extensions["okuyami"].runtime.list_tasks(instance_id=case_id)
                if t.spec_name == "booking")


def test_the_worklist_task_opens_the_booking_screen_prefilled_from_the_case(api_app, browsers):
    case = start_case(api_app.extensions["okuyami"].runtime, "booking", "op", ward="tama")
    worklist = text_of(browsers["op"].get("/tasks?tab=group"))
    assert f'href="/bookings/cases/{case.id}"' in worklist
    page = text_of(browsers["op"].get(f"/bookings/cases/{case.id}"))
    assert "<h1>予約受付・問診" in page and f"（案件 {case.id}）" in page
    assert f'name="case_id" value="{case.id}"' in page
    assert '<option value="tama" selected>' in page                   # the ward the case started with
    assert 'type="datetime-local"' not in page and 'type="date"' not in page.split("亡くなられた方")[1]
    assert "仕様" not in page and "5(4)" not in page                  # no specification references


def test_booking_from_the_task_completes_it_with_wareki_dates_and_half_width_kana(api_app, browsers, database):
    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    op = browsers["op"]
    token = page_csrf(op, f"/bookings/cases/{case.id}")
    body = as_clerk_types_it(reservation())
    confirm = op.post("/bookings/confirm", data=posted(body, token, case_id=str(case.id)))
    page = text_of(confirm)
    assert confirm.status_code == 200, page
    assert "カワサキ タロウ" in page and "カワサキ ハナコ" in page          # read back in full-width katakana
    assert "昭和15年5月5日（1940年5月5日）" in page                         # both calendars
    assert "昭和43年2月3日（1968年2月3日）" in page
    assert f'name="case_id" value="{case.id}"' in page
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert hidden["deceased.birth_date"] == "1940-05-05" and hidden["deceased.kana"] == "カワサキ タロウ"

    done = op.post("/bookings", data=MultiDict([("csrf_token", token), *hidden.items()]))
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case.id}"
    data = runtime.instance_data(case.id)
    assert data["deceased"]["birth_date"] == "1940-05-05" and data["applicant"]["kana"] == "カワサキ ハナコ"
    with database.transaction(write=False) as session:
        task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id,
                                                      HumanTask.spec_name == "booking"))
        claimed = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "task.claimed",
                                                                 AuditEntry.instance_id == case.id)).all()
    assert (task.state, task.completed_by) == ("COMPLETED", "op") and claimed == ["op"]
    assert {t.spec_name for t in runtime.list_tasks(instance_id=case.id)} == {"precheck"}   # no second case


def test_a_birth_date_that_cannot_be_read_says_what_is_accepted(api_app, browsers):
    op = browsers["op"]
    body = reservation()
    body["deceased"] = {**body["deceased"], "birth_date": "昭和65年1月1日"}
    body["applicant"] = {**body["applicant"], "birth_date": "きのう"}
    page = text_of(op.post("/bookings/confirm", data=posted(body, page_csrf(op, NEW))))
    assert 'id="e-deceased-birth_date">昭和の期間にない日付です（昭和は昭和元年12月25日から昭和64年1月7日まで）。' in page
    assert 'id="e-applicant-birth_date">昭和16年4月12日、S16.4.12、1941-04-12 のように入力してください。' in page
    assert 'value="きのう"' in page                                     # what was typed is kept


def test_a_task_someone_else_holds_cannot_be_booked_over(api_app, browsers):
    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    runtime.claim(booking_task(api_app, case.id).id, "sv")
    op = browsers["op"]
    token = page_csrf(op, f"/bookings/cases/{case.id}")
    done = op.post("/bookings", data=posted(reservation(), token, case_id=str(case.id)))
    assert done.status_code == 302 and done.headers["Location"] == "/tasks"
    assert "他の担当者が引き受けています" in text_of(op.get("/tasks"))
    assert booking_task(api_app, case.id).assignee == "sv"


def test_questions_not_asked_are_unanswered_not_unknown_and_listed_on_the_read_back(api_app, browsers):
    op = browsers["op"]
    page = text_of(op.get(NEW))
    household = page.split('name="answers.household_head"')[0].rsplit("<fieldset", 1)[1]
    assert "未回答" in household
    assert not re.search(r'name="answers\.household_head" value="unknown" checked', page)   # nothing pre-chosen
    body = reservation()
    body["answers"] = {k: v for k, v in body["answers"].items() if k not in ("funeral_held", "clinic_operator")}
    body["answers"]["medical_costs_last_2y"] = "unknown"
    confirm = text_of(op.post("/bookings/confirm", data=posted(body, page_csrf(op, NEW))))
    unasked = confirm.split("まだ聞いていない質問")[1].split("</section>")[0]
    assert "（2件）" in unasked
    assert "葬儀を行いましたか（喪主がわかる）" in unasked and "病院・診療所を開設していましたか" in unasked
    assert "入院・通院の医療費" not in unasked                          # わからない was an answer
    back = text_of(op.post("/bookings/new", data=posted(body, page_csrf(op, NEW))))
    assert re.search(r'name="answers\.medical_costs_last_2y" value="unknown" checked', back)
    funeral = back.split('name="answers.funeral_held"')[0].rsplit("<fieldset", 1)[1]
    assert "未回答" in funeral


def test_not_asked_and_does_not_know_both_keep_the_procedure_to_confirm(api_app, browsers):
    op = browsers["op"]
    token = page_csrf(op, NEW)
    base = [("csrf_token", token), ("answers.health_insurance", "kouki")]
    unasked = text_of(op.post("/bookings/procedures", data=MultiDict(base)))
    unknown = text_of(op.post("/bookings/procedures", data=MultiDict([*base, ("answers.funeral_held", "unknown")])))
    said_no = text_of(op.post("/bookings/procedures", data=MultiDict([*base, ("answers.funeral_held", "no")])))
    for html in (unasked, unknown):
        assert re.search(r"HN01</span> （国保・後期）葬祭費の請求\s*<span class=\"badge badge-confirm\">要確認", html)
    assert "HN01" not in said_no


def test_the_contact_preference_is_asked_and_read_back(api_app, browsers):
    op = browsers["op"]
    page = text_of(op.get(NEW))
    assert all(f'name="contact_preference" value="{v}"' in page for v in ("phone", "email", "letter"))
    by_mail = reservation(contact_preference="email")
    refused = text_of(op.post("/bookings/confirm", data=posted(by_mail, page_csrf(op, NEW))))
    assert 'id="e-applicant-email">連絡方法がメールのときは、メールアドレスを入力してください。' in refused
    by_mail["applicant"] = {**by_mail["applicant"], "email": "hanako@example.jp"}
    confirm = text_of(op.post("/bookings/confirm", data=posted(by_mail, page_csrf(op, NEW))))
    assert "<dt>予約確認の連絡</dt><dd>メール</dd>" in confirm and "hanako@example.jp" in confirm
    by_phone = text_of(op.post("/bookings/confirm", data=posted(reservation(contact_preference="phone"),
                                                                page_csrf(op, NEW))))
    assert "<dt>予約確認の連絡</dt><dd>電話</dd>" in by_phone
