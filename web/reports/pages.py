"""The report pages: pick a day, a month or a fiscal year; read the report; download it (HTML, XLSX, PDF, the
meeting pack); write the supervisor's texts (所見, 課題, 業務改善策); finalise; make a correction as a new version.
Supervisors and admins make and finalise; the auditor and the process owner read."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from engine.db.types import utcnow
from engine.errors import TaskConflict
from processes.calendar.slots import JST
from processes.documents.japanese import era_of
from processes.reports import versions
from processes.reports.access import MAKERS, READERS
from processes.reports.figures import KINDS, figures_for
from processes.reports.layout import (
    KIND_TITLES,
    day_label,
    document_for,
    fiscal_year_label,
    month_label,
    shown,
)
from processes.reports.models import FINAL
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("reports", __name__, template_folder="templates")
bp.add_app_template_filter(shown, "report_value")
bp.add_app_template_filter(fiscal_year_label, "fiscal_year_ja")


@bp.app_template_filter("year_ja")
def year_ja(year: int) -> str:
    """2026 → 令和8年 (the year of 1 January; the picker's years)."""
    era, number = era_of(date(int(year), 12, 31))
    return f"{era}{'元' if number == 1 else number}年"


@bp.app_template_filter("report_period")
def report_period(period: str, kind: str) -> str:
    """2026-12-01 → 令和8年12月1日（火）; 2026-12 → 令和8年12月; 2026 → 令和8年度."""
    try:
        return {"daily": day_label, "monthly": month_label, "annual": lambda p: fiscal_year_label(int(p))}[kind](period)
    except (KeyError, ValueError):
        return "—"
STATES = {"draft": "下書き", "final": "確定"}
KIND_NAMES = {"daily": "業務日誌（日報）", "monthly": "月次業務実績", "annual": "年次業務実績"}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


@bp.route("/reports")
@roles_required(*READERS)
def index():
    today = utcnow().astimezone(JST).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    with platform().database.transaction(write=False) as session:
        recent = versions.recent(session)
    return render_template("reports/index.html", recent=recent, kinds=KIND_NAMES, states=STATES,
                           today=today.isoformat(), month_year=last_month.year, month_number=last_month.month,
                           month_years=range(today.year, today.year - 6, -1), fiscal_year=fiscal_year,
                           years=range(fiscal_year, fiscal_year - 6, -1))


@bp.route("/reports/open")
@roles_required(*READERS)
def open_report():
    """The picker's form: the kind and its period field, to the report's page."""
    kind = _kind(request.args.get("kind", ""))
    if kind == "monthly" and request.args.get("month_number"):
        period = f"{request.args.get('year', '')}-{request.args.get('month_number', '').zfill(2)}"
    else:
        period = (request.args.get({"daily": "date", "monthly": "month", "annual": "fiscal_year"}[kind]) or "").strip()
    return redirect(url_for("reports.show", kind=kind, period=period or "-"))


def _report(session, kind: str, period: str, number: int | None):
    """(figures, texts, the version shown or None): a version's frozen figures, else the figures of now."""
    history = versions.history(session, kind, period)
    chosen = next((v for v in history if v.version == number), None) if number else (history[0] if history else None)
    if number and chosen is None:
        abort(404)
    if chosen is not None and chosen.state == FINAL:
        return chosen.figures, versions.texts_of(chosen), chosen, history
    figures = figures_for(session, kind, period, platform().runtime)
    texts = versions.texts_of(chosen) if chosen else versions.latest_texts(session, kind, period)
    return figures, texts, chosen, history


@bp.route("/reports/<kind>/<period>")
@roles_required(*READERS)
def show(kind: str, period: str):
    kind = _kind(kind)
    number = request.args.get("version", type=int)
    try:
        with platform().database.transaction(write=False) as session:
            figures, texts, chosen, history = _report(session, kind, period, number)
    except ValidationFailed as exc:
        flash(" ".join(e.message for e in exc.errors) or exc.user_message, "error")
        return redirect(url_for("reports.index"))
    document = document_for(figures, texts)
    maker = page_actor().role in MAKERS
    return render_template("reports/show.html", doc=document, kind=kind, period=period, chosen=chosen,
                           history=history, texts=texts, maker=maker, states=STATES, kind_title=KIND_TITLES[kind],
                           editable=maker and chosen is not None and chosen.state != FINAL and
                           chosen.version == history[0].version)


def _act(kind: str, period: str, action) -> Response:
    actor = page_actor()
    try:
        with platform().database.transaction() as session:
            message = action(session, actor)
        flash(message, "success")
    except ValidationFailed as exc:
        flash(" ".join(e.message for e in exc.errors) or exc.user_message, "error")
    except TaskConflict as exc:
        flash(exc.user_message, "error")
    return redirect(url_for("reports.show", kind=kind, period=period))


@bp.route("/reports/<kind>/<period>/draft", methods=["POST"])
@roles_required(*MAKERS)
def draft(kind: str, period: str):
    kind = _kind(kind)
    correction = request.form.get("correction") == "1"

    def action(session, actor):
        figures = figures_for(session, kind, period, platform().runtime)
        row = versions.prepare_draft(session, kind, period, figures, actor.username, correction=correction)
        if row.state == FINAL:
            return f"第{row.version}版は確定済みです。訂正する場合は「訂正版を作成」を押してください。"
        return f"第{row.version}版の下書きを最新の数値で用意しました。"
    return _act(kind, period, action)


@bp.route("/reports/<kind>/<period>/texts", methods=["POST"])
@roles_required(*MAKERS)
def texts(kind: str, period: str):
    kind = _kind(kind)
    values = {key: request.form[key] for key in versions.TEXT_FIELDS if key in request.form}
    return _act(kind, period, lambda session, actor: (versions.save_texts(session, actor, kind, period, values),
                                                      "記入内容を保存しました。")[1])


@bp.route("/reports/<kind>/<period>/finalise", methods=["POST"])
@roles_required(*MAKERS)
def finalise(kind: str, period: str):
    kind = _kind(kind)

    def action(session, actor):
        figures = figures_for(session, kind, period, platform().runtime)
        row = versions.finalise(session, actor, kind, period, figures)
        return f"第{row.version}版を確定しました。以後この版は変更されません。"
    return _act(kind, period, action)


@bp.route("/reports/<kind>/<period>/download.<fmt>")
@roles_required(*READERS)
def download(kind: str, period: str, fmt: str):
    from web.reports.output import FORMATS, MIMETYPES, file_name, report_file

    kind = _kind(kind)
    pack = fmt == "pack.pdf"
    if fmt not in FORMATS and not (pack and kind == "monthly"):
        abort(404)
    with platform().database.transaction(write=False) as session:
        figures, texts, _chosen, _history = _report(session, kind, period, request.args.get("version", type=int))
    fmt = "pdf" if pack else fmt
    return Response(report_file(figures, fmt, texts, pack=pack), mimetype=MIMETYPES[fmt].split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{file_name(figures, fmt, pack)}"'})
