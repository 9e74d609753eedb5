"""The operator's booking screen: the slot calendar, validation next to each field, the live procedure list,
the confirmation read back to the caller, the booking, and the last slot taken by someone else meanwhile."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.db.models import ProcessInstance
from processes.okuyami.booking_form import form_fields
from tests.case_support import VISIT, reservation
from tests.page_support import page_csrf, text_of

NEW = "/bookings/new"


def form(body: dict, token: str) -> MultiDict:
    return MultiDict([("csrf_token", token), *form_fields(body)])


def case_count(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count(ProcessInstance.id)))


def test_the_calendar_shows_free_slots_from_the_earliest_bookable_week_and_switches_ward(browsers):
    op = browsers["op"]
    page = text_of(op.get(NEW))
    # Tuesday 24 Nov 2026: bookable from 4 business days later, Monday 30 Nov
    assert "令和8年11月30日の週" in page
    assert 'value="2026-11-30T09:00:00+09:00"' in page
    assert "2026-11-27T" not in page
    fragment = op.get("/bookings/slots?ward=tama&week=2026-12-07")
    assert fragment.status_code == 200
    html = text_of(fragment)
    assert "多摩区" in html and 'value="2026-12-07T10:30:00+09:00"' in html
    assert "<html" not in html


def test_the_live_procedure_list_follows_the_answers_with_reasons(browsers):
    op = browsers["op"]
    token = page_csrf(op, NEW)
    head = MultiDict([("csrf_token", token), ("answers.household_head", "yes"),
                      ("answers.household_members_15plus_remaining", "2")])
    html = text_of(op.post("/bookings/procedures", data=head))
    assert "JU03" in html and "世帯主変更" in html
    assert "理由:" in html
    not_head = MultiDict([("csrf_token", token), ("answers.household_head", "no")])
    assert "JU03" not in text_of(op.post("/bookings/procedures", data=not_head))
    unknown = MultiDict([("csrf_token", token), ("answers.household_head", "unknown")])
    html = text_of(op.post("/bookings/procedures", data=unknown))
    assert "JU03" in html and "要確認" in html


def test_bad_reservation_data_is_refused_with_a_japanese_message_next_to_each_field(browsers, database):
    op = browsers["op"]
    body = reservation(date_of_death="2026-12-24")
    body["deceased"] = {**body["deceased"], "kana": "川崎 たろう"}
    body["applicant"] = {**body["applicant"], "phone": "12345"}
    del body["relationship"]
    response = op.post("/bookings/confirm", data=form(body, page_csrf(op, NEW)))
    assert response.status_code == 422
    html = text_of(response)
    assert 'id="e-date_of_death">亡くなられた日に未来の日付は指定できません。' in html
    assert 'id="e-deceased-kana">フリガナは全角カタカナで入力してください。' in html   # kanji is not a reading
    assert 'id="e-applicant-phone">電話番号は' in html
    assert 'id="e-relationship">必須項目です。' in html
    assert 'value="川崎 太郎"' in html            # what the operator typed is kept
    assert case_count(database) == 0


def test_a_death_registered_before_the_death_or_a_death_before_birth_is_refused(browsers):
    op = browsers["op"]
    body = reservation(date_of_death="2026-11-20", death_registered_on="2026-11-19")
    body["deceased"] = {**body["deceased"], "birth_date": "2026-11-21"}
    html = text_of(op.post("/bookings/confirm", data=form(body, page_csrf(op, NEW))))
    assert "死亡届の提出日が亡くなられた日より前になっています。" in html
    assert "亡くなられた日が生年月日より前になっています。" in html


def test_the_optional_refund_account_is_checked_only_when_given(browsers):
    op = browsers["op"]
    body = reservation(refund_account={"bank": "川崎信用金庫", "account_type": "普通", "account_number": "12345"})
    html = text_of(op.post("/bookings/confirm", data=form(body, page_csrf(op, NEW))))
    assert 'id="e-refund_account-account_number">口座番号は7桁の数字です' in html
    assert '<option value="普通" selected>' in html
    body["refund_account"]["account_number"] = "1234567"
    assert op.post("/bookings/confirm", data=form(body, page_csrf(op, NEW))).status_code == 200


def test_the_confirmation_is_read_back_before_anything_is_written_then_the_booking_is_made(browsers, database):
    op = browsers["op"]
    body = reservation()
    confirm = op.post("/bookings/confirm", data=form(body, page_csrf(op, NEW)))
    assert confirm.status_code == 200
    html = text_of(confirm)
    assert "令和8年12月3日（木）10時30分から90分" in html
    assert "中原区役所のおくやみコーナー" in html and "044-200-0000" in html
    assert "世帯主変更" in html
    assert case_count(database) == 0
    done = op.post("/bookings", data=form(body, page_csrf(op, NEW)))
    assert done.status_code == 302
    case_id = int(done.headers["Location"].rsplit("/", 1)[1])
    case = text_of(op.get(f"/cases/{case_id}"))
    assert "予約を確定しました" in case and "川崎 太郎" in case
    slots = text_of(op.get("/bookings/slots?ward=nakahara&week=2026-11-30"))
    assert f'value="{VISIT.isoformat()}"' not in slots and "10:30 満席" in slots


def test_correcting_from_the_confirmation_keeps_every_answer(browsers):
    op = browsers["op"]
    body = reservation(answers={"cards": ["mynumber_card"], "welfare_items": []})
    html = text_of(op.post(NEW, data=form(body, page_csrf(op, NEW))))
    assert 'value="カワサキ タロウ"' in html
    assert 'name="answers.cards" value="mynumber_card" checked' in html
    assert 'name="answers.welfare_items" value="none" checked' in html
    assert f'value="{VISIT.isoformat()}" checked' in html


def test_two_operators_booking_the_last_slot_one_gets_it_the_other_is_told_at_once(browsers, database):
    op, sv = browsers["op"], browsers["sv"]
    first, second = form(reservation(), page_csrf(op, NEW)), form(reservation(), page_csrf(sv, NEW))
    assert sv.post("/bookings/confirm", data=second).status_code == 200   # both read back the same free slot
    assert op.post("/bookings", data=first).status_code == 302
    late = sv.post("/bookings", data=second)
    assert late.status_code == 409
    html = text_of(late)
    assert "この予約枠はすでに埋まっています。別の枠を選んでください。" in html
    assert 'value="川崎 花子"' in html                                     # nothing typed is lost
    assert case_count(database) == 1


def test_two_operators_pressing_book_at_the_same_moment_one_gets_the_slot(browsers, database):
    clients = {name: browsers[name] for name in ("op", "sv")}
    forms = {name: form(reservation(), page_csrf(client, NEW)) for name, client in clients.items()}
    barrier = threading.Barrier(2)
    answers = {}

    def book(name):
        barrier.wait()
        response = clients[name].post("/bookings", data=forms[name])
        answers[name] = (response.status_code, text_of(response))

    threads = [threading.Thread(target=book, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers.values()) == [302, 409]
    [loser] = [html for status, html in answers.values() if status == 409]
    assert "この予約枠はすでに埋まっています。" in loser
    assert case_count(database) == 1


def test_only_operators_and_supervisors_book(browsers):
    for name in ("counter_naka", "kumin_naka", "po", "auditor"):
        assert browsers[name].get(NEW).status_code == 403
    assert browsers["sv"].get(NEW).status_code == 200
