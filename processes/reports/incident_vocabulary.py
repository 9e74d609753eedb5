"""The incident reports' words (随時報告): kinds and states as the screens, the API and the reports show them."""
from __future__ import annotations

INCIDENT_KINDS = {
    "personal_data": "個人情報の取扱い",
    "system": "システム障害",
    "service": "応対・案内の誤り",
    "facility": "設備・窓口の事故",
    "other": "その他",
}
INCIDENT_STATES = {"review": "確認待ち", "submitted": "市へ提出済み", "withdrawn": "取下げ"}
ACCOUNT_FIELDS = {
    "what_happened": "発生した事象",
    "affected": "影響を受けた方・範囲",
    "immediate_response": "初動対応",
    "cause": "原因",
    "measures": "対応策",
    "prevention": "再発防止策",
}
REQUIRED_ACCOUNT_FIELDS = ("what_happened", "affected", "immediate_response")
