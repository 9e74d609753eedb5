"""Survey comments in the monthly report (issue #18, 2 "with comments"): a family's free comment may name people or
give a phone number, so none goes into a report before a supervisor has read it and picked it. The review list
shows the month's comments with phone numbers and e-mail addresses already masked (reading it is a personal-data
read, audited); the picked ones are kept masked and encrypted (report_survey_comments) and are the only comments
the month's HTML, XLSX and PDF show."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.runtime import audit
from processes.calls.statistics import Period
from processes.public.models import SurveyAnswer
from processes.reports.access import MAKERS
from processes.reports.models import ReportSurveyComment
from processes.tasks.validation import FieldError, ValidationFailed

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d\-‐‑–—―ー−()（） ]{6,}\d")
PHONE_MASK, EMAIL_MASK = "（電話番号）", "（メールアドレス）"


@dataclass(frozen=True)
class Candidate:
    answer_id: int
    ward: str
    answered_on: date
    text: str
    picked: bool


def mask(comment: str) -> str:
    """The comment with e-mail addresses and phone numbers (8 digits or more, any width, any separators) masked."""
    text = unicodedata.normalize("NFKC", comment).strip()
    text = EMAIL.sub(EMAIL_MASK, text)
    return PHONE.sub(lambda m: PHONE_MASK if sum(c.isdigit() for c in m.group(0)) >= 8 else m.group(0), text)


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("comments", message)], user_message=message)


def _require_maker(actor) -> None:
    if actor.role not in MAKERS:
        raise _refuse("アンケートのご意見の確認はスーパーバイザーまたは管理者が行います。")


def _answers(session: Session, period: Period) -> list[SurveyAnswer]:
    return list(session.scalars(select(SurveyAnswer).where(
        SurveyAnswer.answered_on >= period.first, SurveyAnswer.answered_on <= period.last,
        SurveyAnswer.comment.is_not(None)).order_by(SurveyAnswer.answered_on, SurveyAnswer.id)))


def candidates(session: Session, actor, period: Period) -> list[Candidate]:
    """The month's comments, masked, with whether each is picked (a personal-data read: audited)."""
    _require_maker(actor)
    month = period.first.strftime("%Y-%m")
    picked = set(session.scalars(select(ReportSurveyComment.answer_id).where(ReportSurveyComment.month == month)))
    found = [Candidate(a.id, a.ward, a.answered_on, mask(a.comment.decode("utf-8")), a.id in picked)
             for a in _answers(session, period) if a.comment and a.comment.strip()]
    audit.record(session, actor.username, "report.survey_comments_read",
                 detail={"month": month, "comments": len(found), "personal_data_read": True})
    return found


def pick(session: Session, actor, period: Period, answer_ids: list[str]) -> int:
    """Make `answer_ids` the month's picked comments (those not named are taken out); returns how many are picked."""
    _require_maker(actor)
    month = period.first.strftime("%Y-%m")
    try:
        wanted = {int(value) for value in answer_ids}
    except (TypeError, ValueError):
        raise _refuse("選択されたご意見の指定に誤りがあります。一覧から選び直してください。") from None
    answers = {a.id: a for a in _answers(session, period) if a.comment and a.comment.strip()}
    if not wanted <= answers.keys():
        raise _refuse("選択されたご意見はこの月のアンケートにありません。一覧を開き直して選んでください。")
    before = set(session.scalars(select(ReportSurveyComment.answer_id).where(ReportSurveyComment.month == month)))
    session.execute(delete(ReportSurveyComment).where(ReportSurveyComment.month == month,
                                                      ReportSurveyComment.answer_id.not_in(wanted)))
    for answer_id in sorted(wanted - before):
        answer = answers[answer_id]
        session.add(ReportSurveyComment(answer_id=answer_id, month=month, ward=answer.ward,
                                        answered_on=answer.answered_on, picked_by=actor.username,
                                        text=mask(answer.comment.decode("utf-8")).encode("utf-8")))
    audit.record(session, actor.username, "report.survey_comments_picked",
                 detail={"month": month, "picked": len(wanted), "added": len(wanted - before),
                         "removed": len(before - wanted)})
    return len(wanted)


def picked_comments(session: Session, period: Period) -> list[dict]:
    """The month's picked comments as the report shows them (masked, reviewed): ward, day, text."""
    rows = session.scalars(select(ReportSurveyComment).where(
        ReportSurveyComment.month == period.first.strftime("%Y-%m"))
        .order_by(ReportSurveyComment.answered_on, ReportSurveyComment.answer_id))
    return [{"ward": r.ward, "answered_on": r.answered_on.isoformat(), "text": r.text.decode("utf-8")} for r in rows]
