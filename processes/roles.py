"""The roles of DOMAIN.md, their Japanese names, and how BPMN lanes are named for them."""
from __future__ import annotations

from engine.registry import LanePolicy

ROLES: dict[str, str] = {
    "operator": "コールセンターオペレーター",
    "supervisor": "スーパーバイザー",
    "dept_staff": "区役所関係課",
    "counter": "おくやみコーナー",
    "process_owner": "区政推進課（プロセス管理者）",
    "admin": "システム管理者",
    "auditor": "監査担当",
}

SYSTEM_ROLE = "system"

LANE_ALIASES: dict[str, tuple[str, ...]] = {
    "operator": ("コールセンター", "オペレーター", "予約センター"),
    "supervisor": ("スーパーバイザー", "SV"),
    "dept_staff": ("関係課", "区役所関係課", "担当課"),
    "counter": ("おくやみコーナー", "窓口", "コーナー"),
    SYSTEM_ROLE: ("システム",),
}

SCOPED_ROLES = {"dept_staff": ("ward", "department"), "counter": ("ward",)}


def lane_policy() -> LanePolicy:
    return LanePolicy(roles={code: LANE_ALIASES.get(code, ()) for code in [*ROLES, SYSTEM_ROLE]},
                      system_role=SYSTEM_ROLE)
