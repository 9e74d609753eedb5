"""Online booking requests (spec: families asked for web booking): /booking lists each ward's free slots (counts
only, from the export), /booking/request takes a request (the booking payload of POST /api/v1/cases plus
`contact_preference`, as a form or as JSON) and answers 202 with the request number.

The request is sealed at once with the city's public key and kept only as ciphertext (web/public/inbox.py); the
staff side validates it fully when it pulls it. Here only what a family can fix at once is checked. Abuse: a rate
limit per address, the size limit of the application, and for the form a human check that needs no other service."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, jsonify, render_template, request

from web.public import inbox, limits
from web.public.formatting import JST, wareki_day
from web.public.page_cache import PageCache

bp = Blueprint("public_booking", __name__, url_prefix="/booking", template_folder="templates")
TEXT_LIMIT = 200
_pages = PageCache(256)
PEOPLE = ("deceased", "applicant")
PERSON_FIELDS = ("name", "kana", "address", "birth_date")
REQUIRED = {
    "ward": "来庁する区役所", "slot_start": "予約日時", "date_of_death": "亡くなられた日",
    "death_registered_on": "死亡届の提出日", "death_registered_municipality": "死亡届を提出した市区町村",
    "deceased.name": "亡くなられた方のお名前", "deceased.kana": "亡くなられた方のフリガナ",
    "deceased.address": "亡くなられた方のご住所", "deceased.birth_date": "亡くなられた方の生年月日",
    "applicant.name": "来庁される方のお名前", "applicant.kana": "来庁される方のフリガナ",
    "applicant.address": "来庁される方のご住所", "applicant.birth_date": "来庁される方の生年月日",
    "applicant.phone": "来庁される方の電話番号", "relationship": "亡くなられた方との続柄",
    "contact_preference": "予約確定の連絡方法",
}


class Slots:
    """The export's free slots: per ward its office and its slots (start, free places) by day."""

    def __init__(self, data: dict):
        self.generated_on = data.get("generated_on")
        self.wards = {}
        for ward in data.get("wards", []):
            slots = [(datetime.fromisoformat(s["start"]).astimezone(JST), int(s["free"])) for s in ward["slots"]]
            days: dict = {}
            for start, free in slots:
                days.setdefault(start.date(), []).append((start, free))
            self.wards[ward["code"]] = {"name": ward["name"], "office": ward["office"], "days": days,
                                        "free": {start.isoformat(): free for start, free in slots}}

    def free(self, ward: str, start: str) -> int:
        return self.wards.get(ward, {}).get("free", {}).get(start, 0)


def slots() -> Slots:
    return current_app.extensions["public_export"].part("slots", Slots)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def free_slots():
    data = slots()
    ward = request.args.get("ward", "")
    ward = ward if ward in data.wards else ""
    code = request.args.get("code", "")[:40]
    shown = {ward: data.wards[ward]} if ward else data.wards
    return _pages.get((ward, code, id(data)), lambda: render_template(
        "public/booking/slots.html", wards=shown, all_wards=data.wards, chosen=ward, code=code, wareki_day=wareki_day))


def _form_values(form) -> dict:
    """The posted form as the page shows it again (the slot's select carries "ward|start")."""
    values = form.to_dict()
    ward, _, start = values.get("slot_choice", "").partition("|")
    if ward:
        values.update(ward=ward, slot_start=start)
    return values


def _form_payload(form) -> dict:
    form = _form_values(form)
    payload: dict = {}
    for key in ("ward", "slot_start", "date_of_death", "death_registered_on", "death_registered_municipality",
                "relationship", "contact_preference", "answers_code"):
        payload[key] = form.get(key, "").strip()
    for person in PEOPLE:
        payload[person] = {field: form.get(f"{person}.{field}", "").strip() for field in PERSON_FIELDS}
    payload["applicant"]["phone"] = form.get("applicant.phone", "").strip()
    email = form.get("applicant.email", "").strip()
    if email:
        payload["applicant"]["email"] = email
    payload["representative_heir"] = form.get("representative_heir") == "yes"
    if not payload["answers_code"]:
        payload.pop("answers_code")
    return payload


def _value(payload: dict, path: str):
    value = payload
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def problems(payload: dict) -> list[str]:
    """What the family can fix at once (the staff side checks everything else)."""
    found = [f"{label}を入力してください。" for path, label in REQUIRED.items()
             if not isinstance(_value(payload, path), str) or not _value(payload, path).strip()]
    for path in REQUIRED:
        value = _value(payload, path)
        if isinstance(value, str) and len(value) > TEXT_LIMIT:
            found.append(f"{REQUIRED[path]}は{TEXT_LIMIT}文字以内で入力してください。")
    if "representative_heir" in payload and not isinstance(payload["representative_heir"], bool):
        found.append("代表相続人かどうかは、はい・いいえで答えてください。")
    preference = payload.get("contact_preference")
    if preference and preference not in ("phone", "email"):
        found.append("予約確定の連絡方法は「電話」か「メール」を選んでください。")
    if preference == "email" and not _value(payload, "applicant.email"):
        found.append("メールでの連絡をご希望の場合は、メールアドレスを入力してください。")
    ward, start = payload.get("ward"), payload.get("slot_start")
    if isinstance(ward, str) and ward and ward not in slots().wards:
        found.append("来庁する区役所を一覧から選んでください。")
    elif isinstance(start, str) and start and ward in slots().wards and slots().free(ward, _normal(start)) <= 0:
        found.append("選ばれた日時は空きがないか、予約できない日時です。空いている枠から選んでください。")
    return found


def _normal(start: str) -> str:
    try:
        return datetime.fromisoformat(start).astimezone(JST).isoformat()
    except ValueError:
        return start


def _form_page(status: int, values: dict, errors: list[str]):
    data = slots()
    return _no_store(current_app.make_response((render_template(
        "public/booking/request.html", values=values, errors=errors, wards=data.wards, check=limits.challenge(),
        wareki_day=wareki_day), status)))


@bp.get("/request")
def request_form():
    values = {"ward": request.args.get("ward", ""), "slot_start": request.args.get("slot", ""),
              "answers_code": request.args.get("code", "")[:40]}
    return _form_page(200, values, [])


@bp.post("/request")
def submit():
    as_json = request.is_json
    if as_json:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return _no_store(jsonify({"error": {"status": 400, "message": "JSON オブジェクトで送ってください。"}})), 400
        payload = {k: v for k, v in payload.items() if k not in ("kind", "number")}
    else:
        payload = _form_payload(request.form)
    errors = problems(payload)
    if not as_json and not errors and not limits.passed(request.form.get("check_token"),
                                                        request.form.get("check_answer")):
        errors.append("確認の質問の答えが違います。もう一度お答えください。")
    if errors:
        if as_json:
            return _no_store(jsonify({"error": {"status": 400, "message": "申込みの内容をご確認ください。"},
                                      "errors": errors})), 400
        return _form_page(400, _form_values(request.form), errors)
    if not inbox.accepting():
        message = "ただいまWebでの予約申込みを受け付けられません。お電話（044-200-1500）でお申し込みください。"
        return (_no_store(jsonify({"error": {"status": 503, "message": message}})), 503) if as_json else \
            _form_page(503, _form_values(request.form), [message])
    if not limits.allow("booking"):
        message = "短い時間に多くの申込みがあったため、受付を一時停止しています。しばらくしてからお試しください。"
        return (_no_store(jsonify({"error": {"status": 429, "message": message}})), 429) if as_json else \
            _form_page(429, _form_values(request.form), [message])
    number = inbox.store("booking", payload)
    if as_json:
        return _no_store(jsonify({"request_number": number})), 202
    return _no_store(current_app.make_response((render_template("public/booking/received.html", number=number,
                                                                contact=payload["contact_preference"]), 202)))
