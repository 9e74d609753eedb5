"""Online booking requests (issue #17, 3) on the staff side. A pulled request is validated like the booking screen
(the same form and rules); a valid one starts a case whose first task is the operator's confirmation
(forms/tasks/web_booking_confirmation.json): confirm the requested slot or another one agreed with the family,
with the last-slot guard of every booking, then the family is told by the channel they chose (an e-mail through
the outbox, or the operator's call). A request that fails validation is kept for the supervisor (pull.py)."""
from __future__ import annotations

from datetime import datetime

from processes.calendar import JST
from processes.documents.japanese import wareki
from processes.notifications import outbox
from processes.okuyami.booking import validate_reservation
from processes.okuyami.cases import CASE_PROCESS
from processes.public.navi import decode_code
from processes.tasks.form_rules import Completion, FormRules
from processes.tasks.validation import FieldError, ValidationFailed

CONFIRMATION_FORM = "web_booking_confirmation.json"
WEB = "web"
CONTACT_CHOICES = ("phone", "email")
PULL_ACTOR = "public-pull"


def _reservation(payload: dict) -> dict:
    data = {key: value for key, value in payload.items()
            if key not in ("kind", "number", "received_at", "answers_code", "human_check")}
    code = payload.get("answers_code")
    if isinstance(code, str) and code.strip():
        answers, _ = decode_code(code)
        data["answers"] = {**answers, **(data.get("answers") or {})}
    return data


def receive(session, services, number: str, payload: dict) -> str | None:
    """Validates the request and starts its case; the reason (Japanese) when it cannot be taken."""
    try:
        data = _reservation(payload)
    except ValueError:
        return "回答コードが読み取れません（入力の誤りの可能性があります）。"
    if data.get("contact_preference") not in CONTACT_CHOICES:
        return "連絡方法は電話かメールのどちらかで指定してください。"
    if data["contact_preference"] == "email" and not (data.get("applicant") or {}).get("email"):
        return "連絡方法がメールですが、メールアドレスがありません。"
    try:
        values = validate_reservation(services.settings.forms_dir, "booking", data, session, services.runtime)
    except ValidationFailed as exc:
        if exc.status != 409:                              # a slot taken meanwhile: the operator proposes another
            return "予約の申込み内容に誤りがあります: " + " / ".join(f"{e.field}: {e.message}" for e in exc.errors)
        values = data
    start = {**values, "channel": WEB, "web_request": number, "requested_slot": values.get("slot_start"),
             "requested_slot_text": slot_text(values.get("slot_start"))}
    services.runtime.start(CASE_PROCESS, PULL_ACTOR, data=start, ward=values.get("ward"), session=session)
    return None


def slot_text(value) -> str:
    """令和8年12月3日（木）10:30 for the screens and the family's e-mail."""
    try:
        start = datetime.fromisoformat(value).astimezone(JST)
    except (TypeError, ValueError):
        return ""
    return f"{wareki(start.date())}（{'月火水木金土日'[start.weekday()]}）{start:%H:%M}"


# ------------------------------------------------------------------------------------- the operator's confirmation
def _prepare(data: dict) -> dict:
    return {**data, "channel": "booking"}


def _confirm(c: Completion) -> None:
    case = c.runtime.instance_data(c.task.instance_id, session=c.session)
    if c.data.get("decision") == "requested" and c.data.get("slot_start") != case.get("requested_slot"):
        raise ValidationFailed([FieldError("slot_start", "希望どおりに確定する場合は、申込みの日時のままにしてください。")])
    if case.get("contact_preference") == "phone" and not c.data.get("family_contacted"):
        raise ValidationFailed([FieldError("family_contacted",
                                           "電話での連絡を希望されています。ご家族に電話で伝えてから確定してください。")])
    reservation = {key: value for key, value in case.items()
                   if key not in ("channel", "web_request", "requested_slot", "requested_slot_text")}
    reservation["slot_start"] = c.data.get("slot_start")
    values = validate_reservation(c.forms_dir, "booking", reservation, c.session, c.runtime, c.task.instance_id)
    # The case goes on with the reservation as the booking screen would have completed it (kana, dates, the
    # interview's date answers), also when the request arrived for a slot that had filled meanwhile.
    c.data.update({key: value for key, value in values.items() if key != "channel"})


def _tell_the_family(c: Completion) -> None:
    case = c.runtime.instance_data(c.task.instance_id, session=c.session)
    address = (case.get("applicant") or {}).get("email")
    if case.get("contact_preference") != "email" or not address:
        return
    from processes.wards import load_wards

    ward = load_wards().get(case.get("ward"))
    office = ward.office if ward else ""
    changed = c.data.get("decision") != "requested"
    body = (f"おくやみコーナーのご予約を{'次の日時に変更して' if changed else ''}確定しました。\n\n"
            f"日時: {slot_text(c.data['slot_start'])}から（90分）\n"
            f"場所: {office} おくやみコーナー\n申込番号: {case.get('web_request')}\n\n"
            "ご都合が悪くなった場合は、おくやみコーナー予約センター 044-200-1500（平日 9時から16時45分）へ"
            "ご連絡ください。\n")
    outbox.enqueue(c.session, address, "【川崎市】おくやみコーナーのご予約が確定しました", body,
                   instance_id=c.task.instance_id)


def register(rules: FormRules) -> None:
    rules.before_validation([CONFIRMATION_FORM], _prepare)
    rules.before_completion([CONFIRMATION_FORM], _confirm)
    rules.after_completion([CONFIRMATION_FORM], _tell_the_family)
