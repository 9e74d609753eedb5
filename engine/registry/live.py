"""The live (deployed) DMN decisions, for what evaluates a decision outside a running process: the navi, the
booking screen's live procedure list, deadline rules.

Every call asks the database which version of each DMN file is live (one small query over names and content
hashes), so a deploy made by any app process is seen at once by all of them. What is kept in memory is keyed by
content hash, which never changes meaning: the parsed decisions of one file's content.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import ModelFile
from ..dmn import DecisionService
from ..errors import NotFound

_CACHE_SIZE = 64
_lock = threading.Lock()
_services: OrderedDict[str, DecisionService] = OrderedDict()


class DecisionNotDeployed(NotFound):
    """Nothing deployed defines the decision (or file) asked for: the models were never deployed to this
    database, or the live version dropped it."""


@dataclass(frozen=True)
class LiveDmnFile:
    id: int
    name: str
    version: int
    content_hash: str


_latest = (select(ModelFile.name, func.max(ModelFile.version).label("version"))
           .where(ModelFile.kind == "dmn").group_by(ModelFile.name).subquery())
_LIVE_DMN_FILES = (select(ModelFile.id, ModelFile.name, ModelFile.version, ModelFile.content_hash)
                   .join(_latest, (ModelFile.name == _latest.c.name) & (ModelFile.version == _latest.c.version))
                   .order_by(ModelFile.name))
"""Built once: every evaluation runs it, and building a statement costs more than running this one."""


def live_dmn_files(session: Session) -> list[LiveDmnFile]:
    """The live version of every deployed DMN file, by name."""
    return [LiveDmnFile(*row) for row in session.execute(_LIVE_DMN_FILES)]


def _service(session: Session, file: LiveDmnFile) -> DecisionService:
    with _lock:
        service = _services.get(file.content_hash)
        if service is not None:
            _services.move_to_end(file.content_hash)
            return service
    content = session.scalar(select(ModelFile.content).where(ModelFile.id == file.id))
    service = DecisionService.from_xml(content.encode("utf-8"), file.name)
    with _lock:
        service = _services.setdefault(file.content_hash, service)
        while len(_services) > _CACHE_SIZE:
            _services.popitem(last=False)
    return service


def live_decisions(session: Session) -> dict[str, DecisionService]:
    """decision id -> the live DMN file that defines it (the first file by name, should two define one)."""
    found: dict[str, DecisionService] = {}
    for file in live_dmn_files(session):
        service = _service(session, file)
        for decision_id in service.model.decisions:
            found.setdefault(decision_id, service)
    return found


def live_decision(session: Session, decision_id: str) -> DecisionService:
    """The live DMN file that defines `decision_id`; DecisionNotDeployed if none does."""
    service = live_decisions(session).get(decision_id)
    if service is None:
        raise DecisionNotDeployed(
            f"no deployed DMN file defines decision {decision_id!r}",
            user_message=f"判定「{decision_id}」を含む DMN がまだ登録（デプロイ）されていません。プロセス管理者が"
                         f"モデルを登録してから、もう一度お試しください（`okuyami models deploy`）。")
    return service


def live_dmn_file(session: Session, name: str) -> DecisionService:
    """The live version of the DMN file `name`; DecisionNotDeployed if it was never deployed."""
    file = next((f for f in live_dmn_files(session) if f.name == name), None)
    if file is None:
        raise DecisionNotDeployed(
            f"DMN file {name!r} is not deployed",
            user_message=f"判定表「{name}」がまだ登録（デプロイ）されていません。プロセス管理者がモデルを登録してから、"
                         f"もう一度お試しください（`okuyami models deploy`）。")
    return _service(session, file)
