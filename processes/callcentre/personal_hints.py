"""Warnings (never a refusal) when a contact record's free text looks like personal data: the spec keeps contact
records free of personal data "in principle" (5(4)③ウ), and the details a callback needs live apart."""
from __future__ import annotations

import re

PATTERNS = (
    ("phone", re.compile(r"(?<![\d０-９])0[\d０-９]{1,4}[-－ー‐]?[\d０-９]{1,4}[-－ー‐]?[\d０-９]{3,4}(?![\d０-９])"),
     "電話番号のような記載があります。連絡先は応対履歴に書かず、折り返し先の欄に入力してください。"),
    ("postal_code", re.compile(r"〒\s*[\d０-９]{3}|(?<![\d０-９\-－])[\d０-９]{3}[-－][\d０-９]{4}(?![\d０-９\-－])"),
     "郵便番号のような記載があります。住所は応対履歴に書かないでください。"),
    ("address", re.compile(r"(?:[一-龥]{1,4}[市区町村])[一-龥ぁ-んァ-ヶ]{0,6}[\d０-９一二三四五六七八九十]+(?:丁目|番地?|[-－][\d０-９]+)"),
     "住所のような記載があります。住所は応対履歴に書かないでください。"),
)
NAME = re.compile(r"([一-龥ァ-ヶ]{1,6}(?:\s|　)?[一-龥ァ-ヶぁ-ん]{0,6})様(?![式子々相態])")
NOT_NAMES = ("客", "皆", "奥", "家族", "遺族", "者", "方", "人", "主人", "旦那", "神", "仏", "殿", "王")
NAME_MESSAGE = "「〜様」とお名前のような記載があります。お名前は応対履歴に書かないでください。"
TEXT_FIELDS = ("question", "answer", "handover.note", "voice.intent", "voice.said")


def personal_data_hints(texts: dict[str, str]) -> list[dict]:
    """One warning per field and kind of personal data found: `{"field", "kind", "message"}`."""
    warnings = []
    for field, text in texts.items():
        if not text:
            continue
        for kind, pattern, message in PATTERNS:
            if pattern.search(text):
                warnings.append({"field": field, "kind": kind, "message": message})
        if any(not m.group(1).endswith(NOT_NAMES) for m in NAME.finditer(text)):
            warnings.append({"field": field, "kind": "name", "message": NAME_MESSAGE})
    return warnings
