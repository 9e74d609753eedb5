"""Report files built by the worker (issue #18, 5 "large reports are built by the worker with progress shown"): the
report page queues a build (XLSX, PDF or the meeting pack) instead of making the file in the request; the worker
(`okuyami worker`, every few seconds, and `okuyami worker --once`) takes the queued builds one by one, records its
progress as it goes (started, figures gathered, sections laid out, the file written) and keeps the finished file
encrypted for the page to offer; a build that fails keeps a Japanese message saying so. A worker takes a build
under a lease renewed at each step of progress: if it dies while building (kill -9, power cut), the build is taken
again once the lease has run out, or at once by the next worker started on the same host (operations/leases.py);
two workers never build the same file."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from engine.db.session import Database
from engine.db.types import utcnow
from engine.errors import NotFound
from engine.scheduler import worker_name
from processes.reports import versions
from processes.reports.access import READERS
from processes.reports.figures import KINDS, figures_for, parse_day, parse_fiscal_year, parse_month
from processes.reports.layout import document_for
from processes.reports.models import DONE, FAILED, FINAL, QUEUED, RUNNING, ReportBuild
from processes.reports.pdf import report_pdf
from processes.reports.xlsx import workbook
from processes.tasks.access import require
from processes.tasks.validation import FieldError, ValidationFailed

log = logging.getLogger(__name__)
BUILD_JOB_ID = "reports-builds"
FORMATS = {"xlsx": "xlsx", "pdf": "pdf", "pack": "pdf"}
LEASE = timedelta(minutes=5)
FAILED_MESSAGE = "報告書のファイルを作成できませんでした。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。"


def request_build(session: Session, actor, kind: str, period: str, fmt: str, version: int | None) -> ReportBuild:
    """Queue a build of the report `kind` for `period` as `fmt` (xlsx, pdf, pack): refused with what is allowed."""
    require(actor.role in READERS)
    if kind not in KINDS or fmt not in FORMATS or (fmt == "pack" and kind != "monthly"):
        message = "作成できる形式は Excel・PDF（月次は定例報告会資料も）です。"
        raise ValidationFailed([FieldError("format", message)], user_message=message)
    {"daily": parse_day, "monthly": parse_month, "annual": parse_fiscal_year}[kind](period)
    row = ReportBuild(kind=kind, period=period, version=version, format=fmt, requested_by=actor.username,
                      state=QUEUED, progress=0)
    session.add(row)
    session.flush()
    return row


def get_build(session: Session, actor, build_id: int) -> ReportBuild:
    require(actor.role in READERS)
    row = session.get(ReportBuild, build_id)
    if row is None:
        raise NotFound(f"report build {build_id} not found", user_message="指定された報告書ファイルは見つかりません。")
    return row


def _figures_and_texts(session: Session, build: ReportBuild, runtime) -> tuple[dict, dict]:
    """A finalised version's frozen figures and texts, else the figures of now (as the page shows them)."""
    history = versions.history(session, build.kind, build.period)
    chosen = (next((v for v in history if v.version == build.version), None) if build.version
              else (history[0] if history else None))
    if chosen is not None and chosen.state == FINAL:
        return chosen.figures, versions.texts_of(chosen)
    figures = figures_for(session, build.kind, build.period, runtime)
    texts = versions.texts_of(chosen) if chosen else versions.latest_texts(session, build.kind, build.period)
    return figures, texts


def _progress(database: Database, build_id: int, progress: int, **values) -> None:
    finished = values.get("state") in (DONE, FAILED)
    with database.transaction() as session:
        row = session.get(ReportBuild, build_id)
        row.progress = progress
        row.claimed_until = None if finished else utcnow() + LEASE
        row.claimed_by = None if finished else row.claimed_by
        for key, value in values.items():
            setattr(row, key, value)


def _takeable(now):
    """Queued, or being built by a worker whose lease has run out (it died)."""
    return or_(ReportBuild.state == QUEUED, and_(ReportBuild.state == RUNNING, ReportBuild.claimed_until < now))


def _claim(database: Database, build_id: int, worker: str) -> bool:
    """Take the build for this worker, unless another took it first."""
    now = utcnow()
    with database.transaction() as session:
        taken = session.execute(update(ReportBuild).where(ReportBuild.id == build_id, _takeable(now))
                                .values(state=RUNNING, progress=5, claimed_by=worker, claimed_until=now + LEASE)
                                .execution_options(synchronize_session=False))
        return taken.rowcount == 1


def build_one(database: Database, build_id: int, runtime=None, worker: str | None = None) -> None:
    """Build one queued file, recording progress after the figures, after the layout and when written."""
    if not _claim(database, build_id, worker or worker_name()):
        return
    try:
        with database.transaction(write=False) as session:
            build = session.get(ReportBuild, build_id)
            kind, period, fmt = build.kind, build.period, build.format
            figures, texts = _figures_and_texts(session, build, runtime)
        _progress(database, build_id, 40)
        document = document_for(figures, texts)
        _progress(database, build_id, 60)
        data = workbook(document) if fmt == "xlsx" else report_pdf(document, pack=fmt == "pack")
        name = f"report-{kind}{'-pack' if fmt == 'pack' else ''}-{period}.{FORMATS[fmt]}"
        _progress(database, build_id, 100, state=DONE, file=data, file_name=name, finished_at=utcnow())
        log.info("reports: build %s done", build_id)
    except Exception:
        log.exception("reports: build %s failed", build_id)
        _progress(database, build_id, 0, state=FAILED, error=FAILED_MESSAGE, finished_at=utcnow())


def run_builds(database: Database, runtime=None) -> int:
    """Build every queued file (and every one a dead worker left), oldest first; returns how many were waiting."""
    with database.transaction(write=False) as session:
        waiting = list(session.scalars(select(ReportBuild.id).where(_takeable(utcnow())).order_by(ReportBuild.id)))
    for build_id in waiting:
        build_one(database, build_id, runtime)
    return len(waiting)


def add_build_job(scheduler, database: Database, runtime=None, seconds: float = 5) -> None:
    """Register the builds on an APScheduler scheduler (every few seconds, one at a time)."""
    scheduler.add_job(run_builds, "interval", seconds=seconds, args=[database, runtime], id=BUILD_JOB_ID,
                      max_instances=1, coalesce=True, replace_existing=True)
