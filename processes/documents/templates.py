"""Form templates: the repository's forms/templates/*.docx, and the versions process owners upload.

The template of a form is its newest uploaded version, or the repository's file while none was uploaded. An
upload is validated first (it opens, every field it asks for is in the field model, it renders the sample case
in the sandbox) and stored as a new version; nothing is ever deleted, so a case whose packet was made with an
earlier version keeps it (`pins`: {name: content hash}).
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.documents.errors import TemplateRejected
from engine.documents.rendering import render_docx, template_fields
from engine.errors import NotFound
from engine.runtime import audit
from engine.settings import PROJECT_ROOT
from processes.documents.fields import FIELDS, form_context, unknown_fields
from processes.documents.models import FormTemplateVersion
from processes.okuyami.guidance import guidance_sheet

TEMPLATES_DIR = PROJECT_ROOT / "forms" / "templates"
GUIDANCE = "guidance"
"""The family's guidance sheet: first in every packet."""
REPOSITORY_LABEL = "リポジトリ版"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")

SAMPLE_DATA = {
    "ward": "nakahara", "slot_start": "2026-12-03T10:30:00+09:00", "date_of_death": "2026-11-20",
    "death_registered_on": "2026-11-21", "death_registered_municipality": "川崎市中原区",
    "deceased": {"name": "見本 太郎", "kana": "ミホン タロウ", "address": "川崎市中原区小杉町3-245",
                 "birth_date": "1940-05-05"},
    "applicant": {"name": "見本 花子", "kana": "ミホン ハナコ", "address": "川崎市中原区小杉町3-245",
                  "birth_date": "1968-02-03", "phone": "044-200-0000"},
    "relationship": "長女", "representative_heir": True,
    "funeral_host": {"name": "見本 花子", "kana": "ミホン ハナコ", "address": "川崎市中原区小杉町3-245"},
    "refund_account": {"bank": "見本銀行", "branch": "小杉支店", "account_type": "普通", "account_number": "1234567",
                       "holder_kana": "ミホン ハナコ"},
    "new_householder": {"name": "見本 次郎", "kana": "ミホン ジロウ", "address": "川崎市中原区小杉町3-245"},
    "procedures": [{"id": "JU03", "status": "confirmed"}, {"id": "HN01", "status": "confirmed"}],
    "precheck_results": [{"department": "kumin", "note": "見本：ご長女が住所変更の相談を希望",
                          "decisions": [{"id": "JU02", "action": "drop", "reason": "見本：印鑑登録なし"},
                                        {"id": "JU04", "action": "add", "reason": "見本：住基カードあり"}],
                          "followup_requested": True}],
}


SAMPLE_SURVEY_ADDRESS = "https://okuyami.example.jp/survey/MIHON0000000"


@functools.cache
def _sample_survey_qr() -> bytes:
    import segno

    png = io.BytesIO()
    segno.make(SAMPLE_SURVEY_ADDRESS, error="m").save(png, kind="png", scale=8, border=2)
    return png.getvalue()


def sample_context() -> dict:
    """The sample case's fields, with a sample survey address and QR code (so a template's survey box is filled
    and checked like the packet's)."""
    return form_context(SAMPLE_DATA, guidance_sheet(0, SAMPLE_DATA), date(2026, 11, 24),
                        {"address": SAMPLE_SURVEY_ADDRESS, "qr_png": _sample_survey_qr()})


VALIDATION_PROCEDURES = 50


def validation_context() -> dict:
    """The sample case with 50 procedures (as many as the catalogue has): a template whose loops grow with the
    case is refused at upload, within the rendering bound, not later in a family's packet."""
    context = sample_context()
    model = context["procedures"][0]
    context["procedures"] = [{**model, "id": f"{model['id']}-{n}"} for n in range(VALIDATION_PROCEDURES)]
    return context


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Template:
    name: str
    content: bytes
    content_hash: str
    label: str
    """「第2版」 for an uploaded version, 「リポジトリ版」 for the repository's file."""


def validate_template(content: bytes) -> list[str]:
    """The fields the template prints, or TemplateRejected listing every problem (in Japanese)."""
    asked = template_fields(content)
    unknown = unknown_fields(asked)
    if unknown:
        raise TemplateRejected(f"template asks for unknown fields {unknown}",
                               [f"「{path}」は様式の項目にありません（項目の一覧は「様式の項目」を参照してください）。"
                                for path in unknown])
    render_docx(content, validation_context())
    return sorted(asked)


def repository_template(name: str, templates_dir: Path = TEMPLATES_DIR) -> Template | None:
    path = templates_dir / f"{name}.docx"
    if not _NAME.fullmatch(name) or not path.is_file():
        return None
    content = path.read_bytes()
    return Template(name, content, content_hash(content), REPOSITORY_LABEL)


def _row_template(row: FormTemplateVersion) -> Template:
    return Template(row.name, row.content, row.content_hash, f"第{row.version}版")


def current_template(session: Session, name: str, templates_dir: Path = TEMPLATES_DIR) -> Template:
    row = session.scalars(select(FormTemplateVersion).where(FormTemplateVersion.name == name)
                          .order_by(FormTemplateVersion.version.desc()).limit(1)).first()
    if row is not None:
        return _row_template(row)
    template = repository_template(name, templates_dir)
    if template is None:
        raise NotFound(f"no template named {name!r}", user_message=f"様式「{name}」のテンプレートが見つかりません。")
    return template


def pinned_template(session: Session, name: str, pinned_hash: str | None,
                    templates_dir: Path = TEMPLATES_DIR) -> Template:
    """The version a case already used (by content hash), else the current one."""
    if pinned_hash:
        row = session.scalars(select(FormTemplateVersion).where(
            FormTemplateVersion.name == name, FormTemplateVersion.content_hash == pinned_hash)
            .order_by(FormTemplateVersion.version.desc()).limit(1)).first()
        if row is not None:
            return _row_template(row)
        template = repository_template(name, templates_dir)
        if template is not None and template.content_hash == pinned_hash:
            return template
    return current_template(session, name, templates_dir)


def upload_template(session: Session, name: str, content: bytes, actor: str, comment: str = "") -> FormTemplateVersion:
    """Validate and store a new version of template `name` (the same content as the newest version adds none)."""
    if not _NAME.fullmatch(name or ""):
        raise TemplateRejected(f"bad template name {name!r}", ["様式名は英小文字・数字・_ で書いてください（例: kokuho_sosaihi）。"])
    fields = validate_template(content)
    digest = content_hash(content)
    latest = session.scalars(select(FormTemplateVersion).where(FormTemplateVersion.name == name)
                             .order_by(FormTemplateVersion.version.desc()).limit(1)).first()
    if latest is not None and latest.content_hash == digest:
        return latest
    number = (session.scalar(select(func.max(FormTemplateVersion.version))
                             .where(FormTemplateVersion.name == name)) or 0) + 1
    row = FormTemplateVersion(name=name, version=number, content_hash=digest, content=content, fields=fields,
                              uploaded_by=actor, comment=comment)
    session.add(row)
    session.flush()
    audit.record(session, actor, "form_template.uploaded",
                 detail={"name": name, "version": number, "content_hash": digest})
    return row


def template_names(session: Session, templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    uploaded = set(session.scalars(select(FormTemplateVersion.name).distinct()))
    return sorted(uploaded | {p.stem for p in templates_dir.glob("*.docx") if _NAME.fullmatch(p.stem)})


def versions_of(session: Session, name: str) -> list[FormTemplateVersion]:
    return list(session.scalars(select(FormTemplateVersion).where(FormTemplateVersion.name == name)
                                .order_by(FormTemplateVersion.version.desc())))


def field_catalogue() -> list[tuple[str, str]]:
    """Every field a template may use, with its Japanese label (for the upload page and the CLI)."""
    return list(FIELDS.items())
