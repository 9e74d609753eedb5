"""Finding contact records: period, channel, counterpart, category, outcome, operator, words in the question or
the answer, a case; newest first, in pages. Deleted records are never found."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from processes.calendar.slots import JST
from processes.callcentre.models import ContactRecord
from processes.callcentre.vocabulary import CHANNELS, COUNTERPARTS, OUTCOMES
from processes.tasks.validation import FieldError, ValidationFailed

PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 50, 200, 10_000
MAX_WORDS = 5


@dataclass(frozen=True)
class ContactFilters:
    start: datetime | None = None
    end: datetime | None = None
    channel: str | None = None
    counterpart_type: str | None = None
    category: str | None = None
    outcome: str | None = None
    operator: str | None = None
    words: tuple[str, ...] = ()
    case_id: int | None = None
    page: int = 1
    per_page: int = PAGE_SIZE
    errors: list[FieldError] = field(default_factory=list)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors, status=400, user_message="検索条件に誤りがあります。")


def _moment(args, key: str, errors: list, end: bool) -> datetime | None:
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=JST)
        moment = datetime.fromisoformat(raw)
        return moment if moment.tzinfo else moment.replace(tzinfo=JST)
    except ValueError:
        errors.append(FieldError(key, "日付（YYYY-MM-DD）または日時（ISO 8601）で指定してください。"))
        return None


def _choice(args, key: str, options: dict, errors: list) -> str | None:
    value = (args.get(key) or "").strip() or None
    if value is not None and value not in options:
        errors.append(FieldError(key, f"{'、'.join(options)} のいずれかを指定してください。"))
        return None
    return value


def _number(args, key: str, errors: list, default: int | None, limit: int) -> int | None:
    raw = (args.get(key) or "").strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= limit:
        return int(raw)
    errors.append(FieldError(key, f"1 から {limit} までの数字で指定してください。"))
    return default


def read_filters(args) -> ContactFilters:
    """The filters from a query string (API or page); errors are collected, not raised."""
    errors: list[FieldError] = []
    start, end = _moment(args, "from", errors, False), _moment(args, "to", errors, True)
    if start and end and start >= end:
        errors.append(FieldError("to", "終了日は開始日以降にしてください。"))
    words = tuple((args.get("q") or "").replace("　", " ").split())
    if len(words) > MAX_WORDS:
        errors.append(FieldError("q", f"検索語は{MAX_WORDS}語までにしてください。"))
        words = words[:MAX_WORDS]
    return ContactFilters(
        start, end, _choice(args, "channel", CHANNELS, errors), _choice(args, "counterpart_type", COUNTERPARTS, errors),
        (args.get("category") or "").strip()[:100] or None, _choice(args, "outcome", OUTCOMES, errors),
        (args.get("operator") or "").strip()[:100] or None, words,
        _number(args, "case_id", errors, None, 2**31 - 1), _number(args, "page", errors, 1, MAX_PAGE),
        _number(args, "per_page", errors, PAGE_SIZE, MAX_PAGE_SIZE), errors)


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(filters: ContactFilters):
    query = select(ContactRecord).where(ContactRecord.deleted_at.is_(None))
    if filters.start:
        query = query.where(ContactRecord.started_at >= filters.start)
    if filters.end:
        query = query.where(ContactRecord.started_at < filters.end)
    for column, value in ((ContactRecord.channel, filters.channel), (ContactRecord.outcome, filters.outcome),
                          (ContactRecord.counterpart_type, filters.counterpart_type),
                          (ContactRecord.category, filters.category), (ContactRecord.operator, filters.operator),
                          (ContactRecord.case_id, filters.case_id)):
        if value is not None:
            query = query.where(column == value)
    for word in filters.words:
        pattern = f"%{_escape(word)}%"
        query = query.where(or_(ContactRecord.question.like(pattern, escape="\\"),
                                ContactRecord.answer.like(pattern, escape="\\"),
                                ContactRecord.department_answer.like(pattern, escape="\\")))
    return query


@dataclass(frozen=True)
class ContactPage:
    items: list[ContactRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_contacts(session: Session, filters: ContactFilters) -> ContactPage:
    query = filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.order_by(ContactRecord.started_at.desc(), ContactRecord.id.desc())
                           .limit(filters.per_page).offset((filters.page - 1) * filters.per_page))
    return ContactPage(list(rows), total, filters.page, filters.per_page)


def all_matching(session: Session, filters: ContactFilters, batch: int = 500):
    """Every matching record, oldest first, in batches (the CSV export)."""
    query = filtered(filters).order_by(ContactRecord.started_at, ContactRecord.id).execution_options(yield_per=batch)
    yield from session.scalars(query)
