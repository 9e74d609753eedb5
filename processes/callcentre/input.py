"""Reading a contact record's fields from the API or the call screen: every bad value is named (field, Japanese
message saying what is allowed); nothing is stored until all of them are right."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from processes.callcentre.routing import routed_department
from processes.callcentre.vocabulary import (
    AGE_BANDS,
    CHANNELS,
    COUNTERPARTS,
    GENDERS,
    OUTCOMES,
    REPLY_CHANNELS,
    SATISFACTION,
    VOICE_KINDS,
)
from processes.departments import DEPARTMENTS
from processes.departments import department as find_department
from processes.tasks.validation import FieldError, ValidationFailed
from processes.wards import load_wards

MAX_TEXT = 4000
MAX_IDS = 50
MAX_ID = 2**31 - 1
PHONE = re.compile(r"^[0-9０-９][0-9０-９\-－ ]{8,16}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CALLBACK_OUTCOMES = {"handed_over", "centre_callback"}
EDITABLE = ("channel", "counterpart_type", "started_at", "ended_at", "category", "question", "answer", "faq_ids",
            "related_contact_ids", "case_id", "call_id", "caller", "reply_channel", "outcome")
KNOWN = set(EDITABLE) | {"handover", "voice", "reason", "reply_email"}


@dataclass
class Reader:
    body: dict
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def choice(self, name: str, options: dict, required: bool = True, value=None, source: dict | None = None):
        value = (source if source is not None else self.body).get(name.rsplit(".", 1)[-1]) if value is None else value
        if value in (None, ""):
            if required:
                self.fail(name, f"選んでください（{'、'.join(f'{k}：{v}' for k, v in options.items())}）。")
            return None
        if not isinstance(value, str) or value not in options:
            self.fail(name, f"「{str(value)[:40]}」は選べません。{'、'.join(f'{k}（{v}）' for k, v in options.items())} のいずれかです。")
            return None
        return value

    def text(self, name: str, required: bool = False, limit: int = MAX_TEXT, source: dict | None = None) -> str:
        value = (source if source is not None else self.body).get(name.rsplit(".", 1)[-1])
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, "文字で入力してください。")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(name, "入力してください。")
        elif len(value) > limit:
            self.fail(name, f"{limit}文字以内で入力してください（いま{len(value)}文字）。")
        return value

    def moment(self, name: str, required: bool) -> datetime | None:
        value = self.body.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, "日時を入力してください（例：2026-12-03T10:15:00+09:00）。")
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail(name, "日時は時差つきの ISO 8601 で入力してください（例：2026-12-03T10:15:00+09:00）。")
            return None
        return parsed

    def ids(self, name: str) -> list[int]:
        value = self.body.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list) or len(value) > MAX_IDS or \
                not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID for v in value):
            self.fail(name, f"番号（1以上の整数）の一覧で指定してください（{MAX_IDS}件まで）。")
            return []
        return list(dict.fromkeys(value))

    def faq_ids(self, name: str) -> list:
        value = self.body.get(name)
        if value in (None, ""):
            return []
        ok = isinstance(value, list) and len(value) <= MAX_IDS and all(
            (isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID) or
            (isinstance(v, str) and 0 < len(v.strip()) <= 40) for v in value)
        if not ok:
            self.fail(name, f"FAQ の番号の一覧で指定してください（{MAX_IDS}件まで、空の一覧も可）。")
            return []
        return list(dict.fromkeys(v.strip() if isinstance(v, str) else v for v in value))

    def optional_id(self, name: str) -> int | None:
        value = self.body.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            self.fail(name, "番号（1以上の整数）で指定してください。")
            return None
        return value

    def raise_if_failed(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors, status=400, user_message="応対履歴の入力に誤りがあります。")


def _code(value) -> str | None:
    """A code as given (an unknown one is reported by the caller), or None; anything but text is no code."""
    if value in (None, ""):
        return None
    return value if isinstance(value, str) else repr(value)[:40]


def _caller(reader: Reader) -> dict:
    caller = reader.body.get("caller") or {}
    if not isinstance(caller, dict):
        reader.fail("caller", "gender・age_band・satisfaction を持つオブジェクトで指定してください。")
        return {}
    return {"gender": reader.choice("caller.gender", GENDERS, False, source=caller),
            "age_band": reader.choice("caller.age_band", AGE_BANDS, False, source=caller),
            "satisfaction": reader.choice("caller.satisfaction", SATISFACTION, False, source=caller)}


def _handover(reader: Reader, outcome: str | None, category: str) -> dict | None:
    raw = reader.body.get("handover")
    if outcome not in CALLBACK_OUTCOMES:
        if raw not in (None, {}):
            reader.fail("handover", "引継ぎ・折り返しの情報は、結果が handed_over（所管課へ引継ぎ）か "
                                    "centre_callback（センターから折り返し）のときだけ指定できます。")
        return None
    if not isinstance(raw, dict):
        reader.fail("handover", "折り返し先（callback_name・callback_phone・callback_time）を指定してください。")
        return None
    result = {"callback_name": reader.text("handover.callback_name", True, 100, raw),
              "callback_phone": reader.text("handover.callback_phone", True, 20, raw),
              "callback_time": reader.text("handover.callback_time", False, 100, raw),
              "note": reader.text("handover.note", False, 2000, raw), "department": None, "ward": None}
    if result["callback_phone"] and not PHONE.match(result["callback_phone"]):
        reader.fail("handover.callback_phone", "電話番号は数字とハイフンで入力してください（例：044-200-1500）。")
    if outcome != "handed_over":
        return result
    code = _code(raw.get("department"))
    if code is None:
        code = routed_department(category)
    elif code not in DEPARTMENTS:
        reader.fail("handover.department", f"所管課「{code}」は登録されていません。所管課の一覧から選んでください。")
        return result
    result["department"] = code
    ward = _code(raw.get("ward"))
    known = find_department(code)
    if known is not None and known.ward_level:
        if ward is None:
            reader.fail("handover.ward", f"{known.name}は区役所の課です。引き継ぐ区を選んでください。")
        elif ward not in load_wards():
            reader.fail("handover.ward", f"区「{ward}」はありません。{'、'.join(load_wards())} のいずれかです。")
        else:
            result["ward"] = ward
    elif ward is not None:
        reader.fail("handover.ward", f"{known.name}は市役所の課なので、区は指定しません。")
    return result


def _voice(reader: Reader, outcome: str | None) -> dict | None:
    raw = reader.body.get("voice")
    if outcome != "citizen_voice":
        if raw not in (None, {}):
            reader.fail("voice", "市民の声の情報は、結果が citizen_voice のときだけ指定できます。")
        return None
    if not isinstance(raw, dict):
        reader.fail("voice", "市民の声（kind・intent・department・said）を指定してください。")
        return None
    department = _code(raw.get("department"))
    if department is not None and department not in DEPARTMENTS:
        reader.fail("voice.department", f"課「{department}」は登録されていません。")
        department = None
    return {"kind": reader.choice("voice.kind", VOICE_KINDS, source=raw),
            "intent": reader.text("voice.intent", True, MAX_TEXT, raw),
            "said": reader.text("voice.said", False, MAX_TEXT, raw), "department": department}


def read_new_contact(body: dict) -> dict:
    """The checked fields of a new contact record (ValidationFailed naming every bad field)."""
    reader = Reader(body)
    unknown = sorted(set(body) - KNOWN)
    for name in unknown:
        reader.fail(name, "この項目は受け付けられません。")
    values = {
        "channel": reader.choice("channel", CHANNELS),
        "counterpart_type": reader.choice("counterpart_type", COUNTERPARTS),
        "started_at": reader.moment("started_at", True),
        "ended_at": reader.moment("ended_at", False),
        "category": reader.text("category", True, 100),
        "question": reader.text("question", True),
        "answer": reader.text("answer"),
        "outcome": reader.choice("outcome", OUTCOMES),
        "faq_ids": reader.faq_ids("faq_ids"),
        "related_contact_ids": reader.ids("related_contact_ids"),
        "case_id": reader.optional_id("case_id"),
        "call_id": reader.text("call_id", False, 64) or None,
        "caller": _caller(reader),
        "reply_channel": reader.choice("reply_channel", REPLY_CHANNELS, False),
        "reason": reader.text("reason", False, 2000),
        "reply_email": reader.text("reply_email", False, 254) or None,
    }
    if values["started_at"] and values["ended_at"] and values["ended_at"] < values["started_at"]:
        reader.fail("ended_at", "終了日時は開始日時より後にしてください。")
    if values["outcome"] == "not_city_matter" and not values["reason"] and not values["answer"]:
        reader.fail("reason", "市の業務外として完結する理由（ご案内した問い合わせ先など）を入力してください。")
    if values["reply_email"] and not EMAIL.match(values["reply_email"]):
        reader.fail("reply_email", "メールアドレスの形式で入力してください（例：name@example.jp）。")
    values["handover"] = _handover(reader, values["outcome"], values["category"])
    values["voice"] = _voice(reader, values["outcome"])
    reader.raise_if_failed()
    return values


def read_changes(body: dict) -> dict:
    """The checked fields of a correction (PATCH): only what is given; hand-over, voice and e-mail are fixed."""
    reader = Reader(body)
    for name in sorted(set(body) - set(EDITABLE)):
        reader.fail(name, "この項目は訂正できません（訂正できるのは "
                          f"{'、'.join(EDITABLE)} です）。")
    readers = {
        "channel": lambda: reader.choice("channel", CHANNELS),
        "counterpart_type": lambda: reader.choice("counterpart_type", COUNTERPARTS),
        "started_at": lambda: reader.moment("started_at", True),
        "ended_at": lambda: reader.moment("ended_at", False),
        "category": lambda: reader.text("category", True, 100),
        "question": lambda: reader.text("question", True),
        "answer": lambda: reader.text("answer"),
        "outcome": lambda: reader.choice("outcome", OUTCOMES),
        "faq_ids": lambda: reader.faq_ids("faq_ids"),
        "related_contact_ids": lambda: reader.ids("related_contact_ids"),
        "case_id": lambda: reader.optional_id("case_id"),
        "call_id": lambda: reader.text("call_id", False, 64) or None,
        "caller": lambda: _caller(reader),
        "reply_channel": lambda: reader.choice("reply_channel", REPLY_CHANNELS, False),
    }
    values = {name: readers[name]() for name in EDITABLE if name in body}
    reader.raise_if_failed()
    return values
