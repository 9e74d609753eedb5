"""What /readyz and /metrics read: is this process fit to serve, and the figures an operator watches."""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine.db.migrate import is_up_to_date
from engine.db.models import HumanTask, Timer
from engine.db.session import Database
from engine.db.types import utcnow
from engine.documents.converter_pool import unavailable_reason
from processes.calls.models import CallImportCheckpoint
from processes.documents.models import CasePacket
from processes.documents.packets import GENERATING
from processes.operations.models import WorkerHeartbeat

WORKER_SILENCE = timedelta(minutes=2)
_converter_reason: list[str | None] = []


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(session: Session, now: datetime | None = None) -> None:
    """The worker's heartbeat: one row per worker process, its last moment alive."""
    now = now or utcnow()
    row = session.get(WorkerHeartbeat, worker_name())
    if row is None:
        session.add(WorkerHeartbeat(name=worker_name(), seen_at=now))
    else:
        row.seen_at = now


def converter_check() -> Check:
    """LibreOffice answers (probed once per process: the probe starts soffice)."""
    if not _converter_reason:
        _converter_reason.append(unavailable_reason())
    reason = _converter_reason[0]
    return Check("converter", reason is None, "帳票変換（LibreOffice）利用可" if reason is None
                 else "帳票変換（LibreOffice）を起動できません")


def readiness(database: Database, now: datetime | None = None) -> list[Check]:
    now = now or utcnow()
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure to reach the database means not ready
        return [Check("database", False, "データベースに接続できません")]
    checks = [Check("database", True, "データベース接続可")]
    current = is_up_to_date(database)
    checks.append(Check("migrations", current, "スキーマは最新" if current
                        else "スキーマが最新ではありません（okuyami db upgrade が必要）"))
    with database.transaction(write=False) as session:
        last = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    seen = last is not None and now - last <= WORKER_SILENCE
    checks.append(Check("worker", seen, "ワーカー稼働中" if seen else "ワーカーが2分以上応答していません"))
    checks.append(converter_check())
    return checks


@dataclass(frozen=True)
class Figures:
    open_tasks: dict[str, int]
    overdue_tasks: dict[str, int]
    timer_lag_seconds: float
    """How late the oldest waiting, already due timer is (0 when none is due)."""
    packets_generating: int
    call_import_lag_seconds: float | None
    """Since the phone system's events were last imported (None before any import)."""


def figures(session: Session, now: datetime | None = None) -> Figures:
    now = now or utcnow()
    ready = HumanTask.state == "READY"
    open_tasks = {role: n for role, n in session.execute(
        select(HumanTask.role, func.count()).where(ready).group_by(HumanTask.role))}
    overdue = {role: n for role, n in session.execute(
        select(HumanTask.role, func.count()).where(ready, HumanTask.due_at < now).group_by(HumanTask.role))}
    oldest_due = session.scalar(select(func.min(Timer.due_at)).where(Timer.state == "WAITING", Timer.due_at <= now))
    packets = session.scalar(select(func.count()).select_from(CasePacket).where(CasePacket.status == GENERATING))
    last_import = session.scalar(select(func.max(CallImportCheckpoint.updated_at)))
    return Figures({role or "": n for role, n in open_tasks.items()}, {role or "": n for role, n in overdue.items()},
                   (now - oldest_due).total_seconds() if oldest_due else 0.0, packets or 0,
                   (now - last_import).total_seconds() if last_import else None)
