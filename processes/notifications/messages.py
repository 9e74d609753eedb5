"""The words of notifications and e-mail. Subjects name at most the case number; bodies hold the case number,
the task, the deadline and a link — never a name, an address or anything else about the family."""
from __future__ import annotations

from datetime import datetime

from processes.calendar import JST
from processes.departments import DEPARTMENTS
from processes.wards import load_wards

CALL_CENTRE = "044-200-1500（平日 9:00〜16:45）"
_WEEKDAYS = "月火水木金土日"


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(JST)
    return f"{local.year}年{local.month}月{local.day}日（{_WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def case_label(instance_id: int) -> str:
    return f"案件番号 {instance_id}"


def task_label(title: str, department: str | None) -> str:
    return f"{title}（{DEPARTMENTS.get(department, department)}）" if department else title


def ward_label(ward: str | None) -> str:
    found = load_wards().get(ward) if ward else None
    return found.name if found else (ward or "")


def staff_mail(subject_kind: str, instance_id: int, task: str, due_at: datetime | None, state: str,
               link: str) -> tuple[str, str]:
    subject = f"【おくやみ】{subject_kind}：{case_label(instance_id)}"
    body = (f"{case_label(instance_id)}\nタスク: {task}\n期限: {when(due_at)}\n{state}\n\n{link}\n\n"
            "このメールはおくやみコーナー業務システムから自動で送信しています。\n")
    return subject, body


def reminder_mail(instance_id: int, visit_start: datetime | None, ward: str | None) -> tuple[str, str]:
    found = load_wards().get(ward) if ward else None
    place = f"{found.office}（{found.address}）" if found else "ご予約の区役所"
    subject = f"【川崎市】おくやみコーナーのご予約について（{case_label(instance_id)}）"
    body = (f"{case_label(instance_id)}\nご来庁の日時: {when(visit_start)}\n場所: {place} おくやみコーナー\n\n"
            f"日時の変更・取消は、おくやみコーナー予約センター {CALL_CENTRE} までお電話ください。\n"
            "このメールは送信専用です。\n")
    return subject, body
