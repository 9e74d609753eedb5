"""The one field model of the municipal forms: every field a template may print, defined once.

A template names fields as `deceased.name`, `dates.death`, `account.number`, ... (FIELDS below, with the label a
process owner sees). `form_context(case data)` gives every field a text: the value from the case, already written
the way forms write it (和暦 dates, katakana フリガナ), or "" when the case does not know it yet, so the form shows
an empty box to fill in by hand, never "None". A template that asks for a field not listed here is refused
(templates.py), in the template test and at upload, never at the counter.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from engine.documents.images import DocxImage
from processes.documents.japanese import age_on, hiragana, katakana, wareki
from processes.okuyami.guidance import GuidanceSheet

_PERSON = {"name": "氏名", "kana": "フリガナ", "kana_hiragana": "ふりがな", "address": "住所"}
FIELDS: Mapping[str, str] = MappingProxyType({
    **{f"deceased.{k}": f"亡くなられた方の{v}" for k, v in _PERSON.items()},
    "deceased.birth_date": "亡くなられた方の生年月日（和暦）", "deceased.death_date": "亡くなられた日（和暦）",
    "deceased.age": "亡くなられた時の年齢",
    **{f"applicant.{k}": f"届出人（来庁者）の{v}" for k, v in _PERSON.items()},
    "applicant.birth_date": "届出人の生年月日（和暦）", "applicant.phone": "届出人の電話番号",
    "applicant.relationship": "届出人と亡くなられた方との続柄",
    **{f"funeral_host.{k}": f"喪主の{v}" for k, v in _PERSON.items()},
    **{f"payee.{k}": f"葬祭費の申請者（喪主）の{v}" for k, v in _PERSON.items()},
    "payee.phone": "葬祭費の申請者（喪主）の電話番号（来庁者が喪主のとき）",
    "payee.relationship": "葬祭費の申請者（喪主）の続柄（来庁者が喪主のとき）",
    **{f"heir.{k}": f"代表相続人の{v}" for k, v in _PERSON.items()},
    "heir.phone": "代表相続人の電話番号", "heir.relationship": "代表相続人と亡くなられた方との続柄",
    **{f"new_householder.{k}": f"新しい世帯主の{v}" for k, v in _PERSON.items()},
    "account.bank": "振込先の金融機関名", "account.branch": "振込先の支店名", "account.type": "口座の種別（普通・当座）",
    "account.number": "口座番号", "account.holder_kana": "口座名義（カナ）",
    "dates.death": "死亡日（和暦）", "dates.death_registered": "死亡届の提出日（和暦）", "dates.visit": "来庁日（和暦）",
    "dates.visit_time": "来庁時刻", "dates.printed": "印刷日（和暦）", "dates.blank": "手書き用の日付欄（令和　年　月　日）",
    "dates.blank_birth": "手書き用の生年月日欄（元号を丸で囲む）",
    "case.number": "案件番号", "case.ward": "来庁する区", "case.office": "区役所", "case.office_address": "区役所の住所",
    "case.city": "市の名前", "case.death_registered_municipality": "死亡届を提出した市区町村",
    "procedures": "手続の一覧（案内票）", "procedures[].id": "手続ID", "procedures[].name": "手続名",
    "procedures[].department": "担当課", "procedures[].counter": "窓口", "procedures[].handling": "取扱い",
    "procedures[].deadline": "期限", "procedures[].explanation": "解説", "procedures[].url": "案内ページ",
    "procedures[].items_to_bring": "持ち物（手続ごと）", "procedures[].items_to_bring[]": "持ち物",
    "procedures[].outcome_note": "来庁時の結果", "procedures[].needs_confirmation": "要確認の表示",
    "items_to_bring": "持ち物の一覧（重複なし）", "items_to_bring[]": "持ち物",
    "handovers": "担当課からの申し送り（窓口用）", "handovers[].department": "担当課",
    "handovers[].note": "コーナーへの申し送り", "handovers[].dropped": "不要とした手続の一覧",
    "handovers[].dropped[].name": "不要とした手続名", "handovers[].dropped[].reason": "不要とした理由",
    "handovers[].added": "追加した手続の一覧", "handovers[].added[].name": "追加した手続名",
    "handovers[].added[].reason": "追加した理由", "handovers[].followup": "来庁後の電話での補足の依頼",
    "survey.address": "満足度アンケートのアドレス（案内票ごとに発行）", "survey.qr": "満足度アンケートのQRコード（画像）",
})
CITY = "川崎市"
BLANK_DATE = "令和　　年　　月　　日"
BLANK_BIRTH_DATE = "昭和・平成　　年　　月　　日"
"""A birth date written by hand: no era printed that could be wrong, the likely ones to circle."""


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _person(raw: Mapping | None) -> dict:
    raw = raw or {}
    kana = katakana(_text(raw.get("kana")))
    return {"name": _text(raw.get("name")), "kana": kana, "kana_hiragana": hiragana(kana),
            "address": _text(raw.get("address"))}


QR_WIDTH_MM = 28


def form_context(data: Mapping, sheet: GuidanceSheet, printed_on: date, survey: Mapping | None = None) -> dict:
    """Every field of FIELDS as text, from the case's data (as the process holds it) and its guidance sheet; the
    survey's address and QR code (PNG) when the packet issued a survey token, else an empty address and no image."""
    deceased_raw, applicant_raw = data.get("deceased") or {}, data.get("applicant") or {}
    deceased = {**_person(deceased_raw), "birth_date": wareki(deceased_raw.get("birth_date")),
                "death_date": wareki(data.get("date_of_death")),
                "age": age_on(deceased_raw.get("birth_date"), data.get("date_of_death"))}
    applicant = {**_person(applicant_raw), "birth_date": wareki(applicant_raw.get("birth_date")),
                 "phone": _text(applicant_raw.get("phone")), "relationship": _text(data.get("relationship"))}
    funeral_host = _person(data.get("funeral_host"))
    if funeral_host["name"] and funeral_host["name"].replace(" ", "") == applicant["name"].replace(" ", ""):
        payee = {**applicant, **{k: v for k, v in funeral_host.items() if v}}  # the applicant is the 喪主
        payee = {k: payee[k] for k in (*_PERSON, "phone", "relationship")}
    else:
        payee = {**funeral_host, "phone": "", "relationship": ""}     # the 喪主, or boxes to fill in by hand
    if data.get("representative_heir"):
        heir = {k: applicant[k] for k in (*_PERSON, "phone", "relationship")}
    else:
        heir = {**_person(None), "phone": "", "relationship": ""}
    account_raw = data.get("refund_account") or {}
    account = {"bank": _text(account_raw.get("bank")), "branch": _text(account_raw.get("branch")),
               "type": _text(account_raw.get("account_type")), "number": _text(account_raw.get("account_number")),
               "holder_kana": katakana(_text(account_raw.get("holder_kana")))}
    visit = sheet.visit_start
    dates = {"death": wareki(data.get("date_of_death")), "death_registered": wareki(data.get("death_registered_on")),
             "visit": wareki(visit.date()) if visit else "", "visit_time": visit.strftime("%H:%M") if visit else "",
             "printed": wareki(printed_on), "blank": BLANK_DATE, "blank_birth": BLANK_BIRTH_DATE}
    case = {"number": str(sheet.case_id), "ward": sheet.ward_name, "office": sheet.office,
            "office_address": sheet.office_address, "city": CITY,
            "death_registered_municipality": _text(data.get("death_registered_municipality"))}
    procedures = [{"id": e.id, "name": e.name, "department": e.department, "counter": e.counter,
                   "handling": e.handling, "deadline": e.deadline, "explanation": e.explanation, "url": e.url,
                   "items_to_bring": list(e.items_to_bring), "outcome_note": e.outcome_note,
                   "needs_confirmation": "要確認" if e.needs_confirmation else ""} for e in sheet.entries]
    return {"deceased": deceased, "applicant": applicant, "funeral_host": funeral_host, "payee": payee,
            "heir": heir, "new_householder": _person(data.get("new_householder")), "account": account,
            "dates": dates, "case": case, "procedures": procedures, "items_to_bring": list(sheet.items_to_bring),
            "handovers": [_handover(h) for h in sheet.handovers],
            "survey": {"address": (survey or {}).get("address", ""),
                       "qr": DocxImage(survey["qr_png"], QR_WIDTH_MM) if survey and survey.get("qr_png") else ""}}


def _handover(handover) -> dict:
    return {"department": handover.department_name or "担当課", "note": handover.note,
            "dropped": [{"name": p.name or p.id, "reason": p.reason or "記載なし"} for p in handover.dropped],
            "added": [{"name": p.name or p.id, "reason": p.reason} for p in handover.added],
            "followup": "来庁後にご遺族へ電話で補足が必要です。" if handover.followup_requested else ""}


def unknown_fields(asked: set[str]) -> list[str]:
    """The field paths a template asks for that the model does not have, sorted."""
    return sorted(path for path in asked if path not in FIELDS)
