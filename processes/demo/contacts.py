"""Contact records for the demo city: the last few weeks of the reservation centre (calls, FAX, web-form
messages, e-mail; answered, booked, transferred, handed over and called back, not a city matter, citizen voice),
deterministic (seeded random), fictional and free of personal data; plus today's open inquiries: hand-overs
waiting for 中原区's departments, a complaint waiting for the supervisor's review, a callback by the centre."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from engine.db.types import utcnow
from processes.calendar import BusinessCalendar, today_jst
from processes.calendar.slots import JST
from processes.callcentre.contacts import record_contact
from processes.callcentre.models import CLOSED, CitizenVoice, ContactRecord
from processes.tasks.access import Actor

SEED = 14
WEEKS = 4
OPERATORS = ("operator1", "supervisor1")
# (category, question, answer, outcome, weight)
TOPICS = (
    ("おくやみコーナーの予約・案内", "おくやみコーナーの予約をしたい。", "予約を受け付け、来庁日時と持ち物を案内した。", "booked", 30),
    ("おくやみコーナーの予約・案内", "予約の日時を変更したい。", "空いている枠を案内し、予約を変更した。", "booked", 6),
    ("おくやみコーナーの予約・案内", "コーナーに行くとき何を持っていけばよいか。", "FAQに沿って、本人確認書類・故人の保険証等を案内した。", "answered", 14),
    ("おくやみコーナーの予約・案内", "おくやみコーナーの場所と駐車場を知りたい。", "区役所の案内ページと駐車場の有無を案内した。", "answered", 8),
    ("戸籍・住民票・印鑑登録", "世帯主の変更はおくやみコーナーでできるか。", "コーナーで手続できることを案内した。", "answered", 8),
    ("戸籍・住民票・印鑑登録", "除票の写しを郵送で取りたい。", "区民課の郵送請求の方法を案内し、区民課へ転送した。", "transferred", 4),
    ("国民健康保険・後期高齢者医療・年金", "葬祭費はいくら支給されるか。", "支給額と申請に必要なものを案内した。", "answered", 8),
    ("国民健康保険・後期高齢者医療・年金", "高額療養費の払い戻しはどうなるか。", "相続人の申請になると案内した。詳細は所管課から折り返す。", "handed_over", 4),
    ("介護保険", "介護保険料の還付はいつごろになるか。", "所管課から折り返すと伝えた。", "handed_over", 4),
    ("介護保険", "介護保険証は郵送で返してよいか。", "郵送でも返却できることを案内した。", "answered", 5),
    ("税（市県民税・軽自動車税など）", "亡くなった人の住民税はどうなるか。", "市税事務所の担当から折り返すと伝えた。", "handed_over", 3),
    ("市の業務外（年金事務所・法務局など）", "遺族年金の手続を知りたい。", "年金事務所の管轄であることを伝えた。", "not_city_matter", 6),
    ("市の業務外（年金事務所・法務局など）", "不動産の相続登記について知りたい。", "法務局の管轄であることを伝えた。", "not_city_matter", 4),
    ("その他", "電話がつながりにくかった。", "お詫びし、ご意見として記録した。", "citizen_voice", 2),
    ("その他", "コーナーの職員の説明が丁寧で助かった。", "お礼を伝え、担当へ共有すると伝えた。", "citizen_voice", 2),
)
CHANNEL_WEIGHTS = (("phone", 80), ("fax", 6), ("web_form", 9), ("email", 5))
COUNTERPART_WEIGHTS = (("citizen", 88), ("organisation", 4), ("company", 5), ("government", 3))
REASONS = {"遺族年金": "年金事務所の管轄。川崎年金事務所の案内ページを伝えた。", "相続登記": "法務局の管轄。横浜地方法務局川崎支局の案内ページを伝えた。"}
DEPARTMENT_ANSWERS = {"handed_over": "担当課から電話で説明し、了承いただいた。"}
VOICE_KINDS = {"電話がつながりにくかった。": "complaint", "コーナーの職員の説明が丁寧で助かった。": "thanks"}


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _history(rng: random.Random, today: date) -> list[ContactRecord]:
    calendar = BusinessCalendar.default()
    records = []
    day = today - timedelta(weeks=WEEKS)
    while day < today:
        if calendar.is_business_day(day):
            for _ in range(rng.randint(12, 24)):
                records.append(_record(rng, day))
        day += timedelta(days=1)
    return records


def _record(rng: random.Random, day: date) -> ContactRecord:
    topic = rng.choices(TOPICS, [t[4] for t in TOPICS])[0]
    category, question, answer, outcome, _ = topic
    start = datetime.combine(day, time(9, 0), tzinfo=JST) + timedelta(minutes=rng.randint(0, 465))
    talk = timedelta(seconds=rng.randint(90, 720))
    wrapup = timedelta(seconds=rng.randint(30, 300))
    channel = _pick(rng, CHANNEL_WEIGHTS) if outcome != "booked" else "phone"
    record = ContactRecord(
        channel=channel, counterpart_type=_pick(rng, COUNTERPART_WEIGHTS), operator=rng.choice(OPERATORS),
        started_at=start, ended_at=start + talk, wrapup_ended_at=start + talk + wrapup, category=category,
        question=question, answer=answer, outcome=outcome, faq_ids=[], related_contact_ids=[],
        reply_channel={"web_form": "email"}.get(channel, channel), caller_gender=rng.choice(("female", "male")),
        caller_age_band=rng.choice(("40s", "50s", "60s", "70_plus")),
        caller_satisfaction=rng.choices(("satisfied", "neutral", "dissatisfied"), (70, 25, 5))[0],
        handover_note="", closed_reason=next((r for k, r in REASONS.items() if k in question), ""),
        department_answer=DEPARTMENT_ANSWERS.get(outcome, ""), created_at=start + talk + wrapup,
        updated_at=start + talk + wrapup)
    if outcome == "handed_over":
        record.handover_department = "shizei_jimusho" if category.startswith("税") else (
            "kourei_shogai" if category == "介護保険" else "hoken_nenkin")
        record.handover_ward = None if record.handover_department == "shizei_jimusho" else "nakahara"
        record.department_answered_by = "kourei_nakahara" if record.handover_department == "kourei_shogai" else None
        record.department_answered_at = start + timedelta(days=1)
    if outcome in ("handed_over", "not_city_matter", "citizen_voice"):
        record.inquiry_state = CLOSED
    return record


TODAY = (
    {"category": "介護保険", "question": "介護保険料の還付金の振込先を変えたい。", "answer": "所管課から折り返すと伝えた。",
     "outcome": "handed_over", "handover": {"ward": "nakahara", "callback_name": "デモ 花子", "callback_phone": "090-0000-0001",
                                            "callback_time": "平日の午前", "note": "相続人代表の方からのお問い合わせ。"}},
    {"category": "戸籍・住民票・印鑑登録", "question": "除籍謄本を何通取ればよいか知りたい。", "answer": "区民課から折り返すと伝えた。",
     "outcome": "handed_over", "handover": {"ward": "nakahara", "callback_name": "デモ 次郎", "callback_phone": "044-000-0002",
                                            "callback_time": "15時以降"}},
    {"category": "その他", "question": "予約の電話が昼の時間につながらなかった。", "answer": "お詫びし、改善に努めると伝えた。",
     "outcome": "citizen_voice", "voice": {"kind": "complaint", "intent": "昼休みの時間帯に何度かけてもつながらず困った。",
                                           "said": "担当に伝えて改善すると伝えた。", "department": "kusei_suishin"}},
    {"category": "おくやみコーナーの予約・案内", "question": "来週の予約枠が空いたら連絡がほしい。", "answer": "空きが出たら折り返すと伝えた。",
     "outcome": "centre_callback", "handover": {"callback_name": "デモ 三郎", "callback_phone": "044-000-0003"}},
)


def seed_demo_contacts(platform) -> list[str]:
    """A few weeks of contact records and today's open inquiries, once (nothing when records exist)."""
    with platform.database.transaction() as session:
        if session.scalar(select(func.count()).select_from(ContactRecord)):
            return []
        rng = random.Random(SEED)
        today = today_jst()
        history = _history(rng, today)
        session.add_all(history)
        session.flush()
        for record in history:
            if record.outcome == "citizen_voice":
                kind = VOICE_KINDS[record.question]
                session.add(CitizenVoice(contact_id=record.id, kind=kind, intent=record.question, said=record.answer,
                                         department="kusei_suishin", cause="", measures="", prevention="",
                                         review_note="区政推進課へ共有した。", reviewed_by="supervisor1",
                                         reviewed_at=record.created_at + timedelta(hours=2)))
        now = utcnow().astimezone(JST)
        actor = Actor("operator1", "operator", None, None)
        for index, body in enumerate(TODAY):
            start = now - timedelta(minutes=40 - index * 8)
            record_contact(session, platform.runtime, actor,
                           {"channel": "phone", "counterpart_type": "citizen", "started_at": start.isoformat(),
                            "ended_at": (start + timedelta(minutes=4)).isoformat(), **body})
    return [f"contacts: {len(history)} over {WEEKS} weeks, {len(TODAY)} open today"]
