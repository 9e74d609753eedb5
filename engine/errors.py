"""Errors the runtime raises: an English message for logs, a Japanese one for the person in front of the screen."""
from __future__ import annotations


class OkuyamiError(Exception):
    """Base class. `user_message` is Japanese and safe to show; `str(exc)` is English and safe to log."""

    user_message = "処理を完了できませんでした。"

    def __init__(self, message: str, *, user_message: str | None = None):
        super().__init__(message)
        if user_message is not None:
            self.user_message = user_message


class ConfigurationError(OkuyamiError):
    user_message = "システムの設定に誤りがあります。管理者に連絡してください。"


class NotFound(OkuyamiError):
    user_message = "指定されたデータは見つかりません。"


class TaskConflict(OkuyamiError):
    """Someone else changed the case first (stale version, task already completed or cancelled)."""

    user_message = "このタスクは他の担当者が先に更新しました。画面を再読み込みしてから、もう一度確認してください。"


class InvalidTaskData(OkuyamiError):
    user_message = "入力内容を確認してください。"


class ModelRejected(OkuyamiError):
    """A deploy was refused; `problems` holds every reason."""

    user_message = "モデルに問題があるため、登録できませんでした。"

    def __init__(self, problems: list, message: str | None = None):
        self.problems = problems
        super().__init__(message or f"model refused with {len(problems)} problem(s)")


class ScriptError(OkuyamiError):
    user_message = "モデル内のスクリプトまたは式の実行に失敗しました。プロセス管理者に連絡してください。"


class ScriptTimeout(ScriptError):
    user_message = "モデル内のスクリプトが制限時間内に終わらなかったため、中断しました。"
