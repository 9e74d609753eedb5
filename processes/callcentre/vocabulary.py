"""The call centre's codes and their Japanese names (the API speaks the codes, the screens the names)."""
from __future__ import annotations

CHANNELS = {"phone": "電話", "fax": "FAX", "web_form": "問い合わせフォーム", "email": "メール"}
COUNTERPARTS = {"citizen": "市民", "organisation": "団体", "company": "企業", "government": "行政機関"}
OUTCOMES = {
    "answered": "回答済み",
    "booked": "予約受付",
    "transferred": "転送（適切な転送）",
    "handed_over": "所管課へ引継ぎ",
    "not_city_matter": "市の業務外（案内して完結）",
    "citizen_voice": "市民の声として記録",
    "centre_callback": "センターから折り返し",
}
COMPLETED_IN_CENTRE = frozenset(OUTCOMES) - {"centre_callback"}
"""一次完了: every outcome but a call the centre itself must call back (DOMAIN.md, spec 12)."""
GENDERS = {"female": "女性", "male": "男性", "unknown": "不明"}
AGE_BANDS = {"under_30": "30歳未満", "30s": "30代", "40s": "40代", "50s": "50代", "60s": "60代",
             "70_plus": "70歳以上", "unknown": "不明"}
SATISFACTION = {"satisfied": "満足", "neutral": "普通", "dissatisfied": "不満", "unknown": "不明"}
VOICE_KINDS = {"opinion": "ご意見", "complaint": "苦情", "request": "ご要望", "thanks": "お礼"}
INQUIRY_STATES = {"open": "対応中", "closed": "完了"}
CATEGORIES = (
    "おくやみコーナーの予約・案内",
    "戸籍・住民票・印鑑登録",
    "国民健康保険・後期高齢者医療・年金",
    "介護保険",
    "障害福祉・高齢者サービス",
    "児童手当・子どもの医療費・保育",
    "税（市県民税・軽自動車税など）",
    "食品営業・診療所の届出",
    "原爆被爆者援護",
    "市の業務外（年金事務所・法務局など）",
    "その他",
)
"""Suggested categories until the FAQ's category tree exists (a category is free text: any of these or another)."""
REPLY_CHANNELS = {"phone": "電話", "fax": "FAX", "email": "メール"}
"""How an answer can go back: a web-form message is answered by e-mail unless the citizen asked otherwise."""
DEFAULT_REPLY = {"phone": "phone", "fax": "fax", "web_form": "email", "email": "email"}
