"""The booking screen's 回答コード: the code a family got from the home navi fills the interview, so the family is
not asked again. Answers an older interview no longer has are left out and show as 未回答 on the screen."""
from __future__ import annotations

from processes.public.answers_code import CodeError
from processes.public.navi import decode_code

FIELD = "answers_code"


def fill_interview_from_code(data: dict, code: str) -> dict[str, str]:
    """Puts the code's answers into `data["answers"]` (over what was chosen); the errors to show, if any."""
    if not code.strip():
        return {}
    try:
        answers, _no_longer_asked = decode_code(code)
    except CodeError as exc:
        return {FIELD: exc.message}
    data["answers"] = {**(data.get("answers") or {}), **answers}
    return {}
