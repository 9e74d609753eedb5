"""Every action the code writes to the audit trail has a Japanese name on the auditor's screen, so the auditor never
reads 「その他の操作」 for something the system did on purpose."""
from __future__ import annotations

import ast
from pathlib import Path

from processes.administration.audit_trail import ACTION_LABELS, PERSONAL_DATA_ACTIONS, action_label

ROOT = Path(__file__).resolve().parent.parent


def _written_actions() -> dict[str, str]:
    """Constant actions passed to audit.record(session, actor, ACTION, ...) anywhere in the application."""
    found: dict[str, str] = {}
    for folder in ("engine", "processes", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {target.id: node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                         and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                         for target in node.targets if isinstance(target, ast.Name)}
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"
                        and len(node.args) >= 3):
                    action = node.args[2]
                    if isinstance(action, ast.Constant) and isinstance(action.value, str):
                        found[action.value] = str(path.relative_to(ROOT))
                    elif isinstance(action, ast.Name) and action.id in constants:
                        found[constants[action.id]] = str(path.relative_to(ROOT))
    return found


def test_the_scan_finds_the_actions_of_every_part_of_the_system():
    written = _written_actions()
    assert {"user.login", "case.viewed", "contact.created", "recording.played", "report.finalised"} <= set(written)


def test_every_action_written_to_the_audit_trail_has_a_japanese_label():
    unnamed = {action: where for action, where in _written_actions().items() if action not in ACTION_LABELS}
    assert unnamed == {}
    assert action_label("contact.created") == "応対記録を登録"


def test_reads_of_personal_data_are_listed_as_such_for_the_auditor():
    assert {"recording.transcript_read", "contact.callback_viewed", "public_request.viewed"} <= set(
        PERSONAL_DATA_ACTIONS)
    assert set(PERSONAL_DATA_ACTIONS) <= set(ACTION_LABELS)
