"""The call screen's posted form as the contact API's body (one set of rules for both), and errors per field."""
from __future__ import annotations

from processes.callcentre.input import CALLBACK_OUTCOMES
from processes.tasks.validation import ValidationFailed

SIMPLE = ("channel", "counterpart_type", "started_at", "ended_at", "category", "question", "answer", "outcome",
          "call_id", "reason", "reply_channel", "reply_email")
HANDOVER = ("department", "ward", "callback_name", "callback_phone", "callback_time", "note")
VOICE = ("kind", "intent", "said", "department")
CALLER = ("gender", "age_band", "satisfaction")


def _number(text: str):
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 11 else text


def _numbers(values: list[str]) -> list:
    found = []
    for value in values:
        for part in value.replace("、", ",").replace(" ", ",").split(","):
            if part.strip():
                found.append(_number(part))
    return found


def contact_body(form) -> dict:
    body = {name: form.get(name, "").strip() for name in SIMPLE if form.get(name, "").strip()}
    body["caller"] = {key: form.get(f"caller.{key}") for key in CALLER if form.get(f"caller.{key}")}
    body["faq_ids"] = _numbers(form.getlist("faq_ids") + [form.get("faq_ids_text", "")])
    body["related_contact_ids"] = _numbers(form.getlist("related_contact_ids"))
    if form.get("case_id", "").strip():
        body["case_id"] = _number(form["case_id"])
    if body.get("outcome") in CALLBACK_OUTCOMES:
        body["handover"] = {key: form.get(f"handover.{key}", "").strip() or None for key in HANDOVER}
    if body.get("outcome") == "citizen_voice":
        body["voice"] = {key: form.get(f"voice.{key}", "").strip() or None for key in VOICE}
    return body


def field_errors(exc: ValidationFailed) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors:
        errors.setdefault(error.field, error.message)
    return errors
