"""Files attached to an FAQ item (spec 12(7)①イ): PDF, images and office files only, checked by their name and
by their first bytes, at most 10 MB. They are served as downloads (never rendered as a page of this site)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound
from processes.faq.models import FaqAttachment, FaqItem
from processes.tasks.validation import FieldError, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TYPES = {  # extension: (content type, accepted first bytes)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "ppt": ("application/vnd.ms-powerpoint", (_OLE,)),
}
ALLOWED = "PDF、画像（PNG・JPEG・GIF）、Word・Excel・PowerPoint"


def _safe_name(filename: str) -> str:
    name = re.sub(r"[\\/\x00-\x1f\x7f\"<>|:*?]", "_", (filename or "").strip()).lstrip(".")
    return name[-200:] or "file"


def add(session: Session, item: FaqItem, filename: str, content: bytes, actor: str) -> FaqAttachment:
    name = _safe_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in TYPES:
        raise ValidationFailed([FieldError("file", f"添付できるのは {ALLOWED} のファイルです。")])
    if not content:
        raise ValidationFailed([FieldError("file", "空のファイルは添付できません。")])
    if len(content) > MAX_BYTES:
        raise ValidationFailed([FieldError("file", "添付できるファイルは 10MB までです。")])
    content_type, signatures = TYPES[extension]
    if not content.startswith(signatures):
        raise ValidationFailed([FieldError("file", f"ファイルの中身が拡張子（.{extension}）と一致しません。")])
    attachment = FaqAttachment(item_id=item.id, filename=name, content_type=content_type, size=len(content),
                               content=content, created_at=utcnow(), created_by=actor)
    session.add(attachment)
    session.flush()
    return attachment


def listing(session: Session, item_id: int) -> list[FaqAttachment]:
    return list(session.scalars(select(FaqAttachment).where(FaqAttachment.item_id == item_id)
                                .order_by(FaqAttachment.id)))


def get(session: Session, item_id: int, attachment_id: int) -> FaqAttachment:
    attachment = session.get(FaqAttachment, attachment_id) if 0 < attachment_id < 2**31 else None
    if attachment is None or attachment.item_id != item_id:
        raise NotFound("no such attachment", user_message="指定された添付ファイルは見つかりません。")
    return attachment


def remove(session: Session, item_id: int, attachment_id: int) -> None:
    session.delete(get(session, item_id, attachment_id))


def size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))}KB"
