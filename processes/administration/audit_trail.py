"""The auditor's reading of the audit log: search by person, case, action and period, the personal-data reads,
and every entry described in Japanese (no codes): the labels here are the one place that names the actions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry, User
from processes.administration.retention import KINDS as RETENTION_KINDS
from processes.departments import DEPARTMENTS
from processes.documents.japanese import wareki
from processes.tasks.validation import FieldError, ValidationFailed
from processes.wards import load_wards

JST = ZoneInfo("Asia/Tokyo")
PAGE_SIZE = 100
EXPORT_LIMIT = 50_000
SYSTEM_ACTORS = {"system": "システム（自動処理）", "worker": "システム（自動処理）", "scheduler": "システム（自動処理）",
                 "test-setup": "システム（初期設定）", "demo": "システム（デモデータ）"}
ACTION_LABELS = {
    "case.viewed": "案件の個人情報を閲覧", "packet.downloaded": "申請書類（PDF）をダウンロード",
    "packet.generated": "申請書類（PDF）を作成", "instance.started": "案件を開始", "instance.cancelled": "案件を取消",
    "instance.message": "予約の取消・変更を反映", "instance.woken": "期限の処理を実行", "instance.migrated": "案件を新しいモデルへ移行",
    "instance.migration_refused": "案件のモデル移行を中止", "task.completed": "タスクを完了", "task.claimed": "タスクを担当",
    "task.unclaimed": "タスクの担当を解除", "task.reassigned": "タスクの担当者を変更", "task.overdue": "タスクが期限超過",
    "task.escalated": "期限超過をスーパーバイザーへ連絡", "reminder.sent": "来庁前の案内を送付",
    "visit.checked_in": "来庁受付（チェックイン）", "visit.checked_out": "来庁終了（チェックアウト）",
    "model.deployed": "業務モデルを公開", "model_example.added": "モデルの確認例を追加",
    "model_example.updated": "モデルの確認例を更新", "model_example.deleted": "モデルの確認例を削除",
    "catalogue.deploy": "手続カタログを公開", "form_template.uploaded": "様式テンプレートを登録",
    "user.login": "ログイン", "user.logout": "ログアウト", "user.locked": "ログイン失敗によりロック",
    "user.created": "ユーザーを作成", "user.updated": "ユーザーの役割・担当を変更", "user.deactivated": "ユーザーを無効化",
    "user.activated": "ユーザーを有効化", "user.unlocked": "ロックを解除", "user.password_changed": "パスワードを変更",
    "user.totp_enrolled": "2段階認証を設定", "user.totp_reset": "2段階認証を解除",
    "user.recovery_codes_generated": "2段階認証の回復コードを発行", "user.recovery_code_used": "回復コードでログイン",
    "user.token_issued": "APIトークンを発行",
    "user.token_revoked": "APIトークンを失効", "ward.updated": "区のコーナー・予約枠を変更",
    "ward.closure_added": "区の臨時休業日を登録", "ward.closure_removed": "区の臨時休業日を削除",
    "department.saved": "担当課を登録・変更", "retention.updated": "保存期間を変更",
    "retention.purged": "保存期間を過ぎたデータを削除", "audit.exported": "監査ログをCSV出力",
    "faq_category.moved": "FAQの分類を移動・並べ替え",
    "contact.created": "応対記録を登録", "contact.corrected": "応対記録を訂正", "contact.deleted": "応対記録を削除",
    "contact.callback_viewed": "折り返し連絡先を閲覧", "contact.fax_reply_printed": "FAX回答書を印刷",
    "contacts.exported": "応対記録をCSV出力", "inquiry.closed": "問い合わせを完了",
    "guidance.printed": "案内票を表示・印刷", "handover.exported": "引継ぎデータを出力",
    "incident.created": "随時報告を作成", "incident.read": "随時報告を閲覧", "incident.submitted": "随時報告を提出",
    "report.drafted": "報告書の案を作成", "report.finalised": "報告書を確定",
    "report.survey_comments_read": "アンケートのご意見を閲覧（報告書への掲載確認）",
    "report.survey_comments_picked": "報告書に載せるアンケートのご意見を選択",
    "public_request.viewed": "Web申込み（受付できなかったもの）を閲覧",
    "public_request.settled": "Web申込み（受付できなかったもの）を対応済みに",
    "recording.played": "通話録音を再生", "recording.transcript_read": "通話の文字起こしを閲覧",
    "recording.exported": "通話録音を出力", "recordings.playback_right_set": "録音再生の権限を変更",
    "recordings.purged": "保存期間を過ぎた通話録音を削除",
}
PERSONAL_DATA_ACTIONS = ("case.viewed", "packet.downloaded", "contact.callback_viewed", "guidance.printed",
                         "public_request.viewed", "recording.played", "recording.transcript_read", "incident.read",
                         "report.survey_comments_read")
WARD_FIELDS = {"office": "庁舎名", "address": "所在地", "corner_location": "コーナーの場所", "corner_floor": "階",
               "slot_times": "予約枠の時刻", "capacity": "1枠の受付家族数"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "その他の操作")


@dataclass(frozen=True)
class TrailQuery:
    actor: str = ""
    case_id: int | None = None
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None
    personal_only: bool = False
    page: int = 1

    def as_args(self, **changes) -> dict:
        values = {"actor": self.actor, "case": self.case_id or "", "action": self.action,
                  "from": self.first_day.isoformat() if self.first_day else "",
                  "to": self.last_day.isoformat() if self.last_day else "",
                  "personal": "1" if self.personal_only else "", "page": self.page if self.page > 1 else ""}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def read_query(args) -> TrailQuery:
    """The search form's values; raises ValidationFailed naming each bad field (and saying what is allowed)."""
    errors = []
    case_text = (args.get("case") or "").strip()
    case_id = None
    if case_text:
        if case_text.isdigit() and 0 < int(case_text) < 2**31:
            case_id = int(case_text)
        else:
            errors.append(FieldError("case", "案件番号は数字で入力してください（例: 12）。"))
    days = {}
    for field, label in (("from", "期間の開始日"), ("to", "期間の終了日")):
        text = (args.get(field) or "").strip()
        try:
            days[field] = date.fromisoformat(text) if text else None
        except ValueError:
            errors.append(FieldError(field, f"{label}は日付で入力してください（例: 2026-12-01）。"))
            days[field] = None
    if days.get("from") and days.get("to") and days["to"] < days["from"]:
        errors.append(FieldError("to", "期間の終了日は開始日と同じか、それより後の日にしてください。"))
    action = args.get("action") or ""
    if action and action not in ACTION_LABELS:
        errors.append(FieldError("action", "操作は一覧から選んでください。"))
    page_text = args.get("page") or "1"
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    if errors:
        raise ValidationFailed(errors)
    return TrailQuery((args.get("actor") or "").strip()[:100], case_id, action, days["from"], days["to"],
                      args.get("personal") == "1", page)


def _filtered(query: TrailQuery):
    statement = select(AuditEntry)
    if query.actor:
        statement = statement.where(AuditEntry.actor == query.actor)
    if query.case_id is not None:
        statement = statement.where(AuditEntry.instance_id == query.case_id)
    if query.action:
        statement = statement.where(AuditEntry.action == query.action)
    if query.personal_only:
        statement = statement.where(AuditEntry.action.in_(PERSONAL_DATA_ACTIONS))
    if query.first_day:
        statement = statement.where(AuditEntry.at >= datetime.combine(query.first_day, time(), tzinfo=JST))
    if query.last_day:
        statement = statement.where(AuditEntry.at < datetime.combine(query.last_day + timedelta(days=1), time(),
                                                                     tzinfo=JST))
    return statement


def search(session: Session, query: TrailQuery) -> tuple[list[AuditEntry], int]:
    statement = _filtered(query)
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = session.scalars(statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .offset((query.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return list(rows), total


def export_rows(session: Session, query: TrailQuery) -> list[AuditEntry]:
    """In the audit chain's order (by id), so that an export of a period can be checked link by link."""
    return list(session.scalars(_filtered(query).order_by(AuditEntry.id).limit(EXPORT_LIMIT)))


class People:
    """Display names of the people named in audit entries (actors and the accounts acted on)."""

    def __init__(self, session: Session):
        self._by_name, self._by_id = {}, {}
        for user_id, username, display_name in session.execute(select(User.id, User.username, User.display_name)):
            self._by_name[username], self._by_id[user_id] = display_name, display_name

    def actor(self, username: str) -> str:
        return SYSTEM_ACTORS.get(username) or self._by_name.get(username) or "（登録のないアカウント）"

    def user(self, user_id) -> str:
        return self._by_id.get(user_id, "（不明なアカウント）")

    def choices(self) -> list[tuple[str, str]]:
        return sorted(self._by_name.items(), key=lambda item: item[1])


def _day_before(iso: str | None) -> str:
    try:
        return wareki(datetime.fromisoformat(iso).astimezone(JST).date()) if iso else "（不明な日）"
    except ValueError:
        return "（不明な日）"


def describe(entry: AuditEntry, people: People) -> str:
    """What the entry is about, in words (never the data itself: the log holds only digests and ids)."""
    detail = entry.detail or {}
    parts = []
    if "user_id" in detail:
        parts.append(f"対象: {people.user(detail['user_id'])}")
    if detail.get("ward"):
        ward = load_wards().get(detail["ward"])
        parts.append(f"区: {ward.name if ward else '（不明な区）'}")
    if detail.get("changed"):
        parts.append("変更: " + "、".join(WARD_FIELDS.get(name, "その他") for name in detail["changed"]))
    if detail.get("department") and isinstance(detail["department"], str):
        parts.append(f"課: {DEPARTMENTS.get(detail['department'], '（不明な課）')}")
    if entry.action == "retention.purged" and detail.get("kind") in RETENTION_KINDS:
        parts.append(f"{RETENTION_KINDS[detail['kind']].label}: {_day_before(detail.get('up_to'))}より前")
    elif "kind" in detail and detail["kind"] in RETENTION_KINDS:
        parts.append(f"{RETENTION_KINDS[detail['kind']].label}: {detail.get('months_before')}か月 → "
                     f"{detail.get('months')}か月")
    if entry.action in PERSONAL_DATA_ACTIONS or detail.get("personal_data"):
        parts.append("個人情報の閲覧")
    if "rows" in detail:
        parts.append(f"{detail['rows']}件")
    return "／".join(parts)


def is_personal_data_read(entry: AuditEntry) -> bool:
    return entry.action in PERSONAL_DATA_ACTIONS or bool((entry.detail or {}).get("personal_data"))


def actor_filter_choices(session: Session) -> list[tuple[str, str]]:
    people = People(session)
    seen = set(session.scalars(select(AuditEntry.actor).distinct().where(or_(AuditEntry.actor.in_(SYSTEM_ACTORS)))))
    return people.choices() + [(name, SYSTEM_ACTORS[name]) for name in sorted(seen)]
