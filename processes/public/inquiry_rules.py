"""What a web inquiry must hold, checked alike on the public side (at once, for the citizen) and on the staff side
(when it is pulled). Pure: the public application imports it."""
from __future__ import annotations

import re

REPLY_CHANNELS = ("email", "phone", "none")
QUESTION_LIMIT = 2000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")


def problems(payload: dict) -> list[str]:
    """The same checks on both sides: what the citizen must fix (Japanese)."""
    found = []
    question = payload.get("question")
    if not isinstance(question, str) or not question.strip():
        found.append("お問い合わせの内容を入力してください。")
    elif len(question) > QUESTION_LIMIT:
        found.append(f"お問い合わせの内容は{QUESTION_LIMIT}文字以内で入力してください（いま{len(question)}文字です）。")
    email = payload.get("reply_email") or ""
    channel = payload.get("reply_channel") or ("email" if email else "none")
    if channel not in REPLY_CHANNELS:
        found.append("回答の受け取り方は「メール」「電話」「回答は不要」から選んでください。")
    if not isinstance(email, str) or (email and not EMAIL.match(email)) or len(email) > 254:
        found.append("メールアドレスの形式で入力してください（例: name@example.jp）。")
    elif channel == "email" and not email:
        found.append("メールでの回答をご希望の場合は、メールアドレスを入力してください。")
    phone = payload.get("reply_phone") or ""
    if channel == "phone" and (not isinstance(phone, str) or not PHONE.match(phone)):
        found.append("電話での回答をご希望の場合は、電話番号を数字とハイフンで入力してください（例: 044-200-1500）。")
    return found
