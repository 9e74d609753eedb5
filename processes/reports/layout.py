"""A report's figures laid out as a document: sections of tables (typed values, a format per column) with the
charts drawn from them. The XLSX (processes/reports/xlsx.py) and the PDF (processes/reports/pdf.py) are two
renderings of the same layout, so they always hold the same numbers.

Formats: text, int, pct (a ratio 0–1 shown as a percentage), num (one decimal), score (a mean of 1–5 points),
min (minutes), sec (seconds). None is 「データなし」 / 「—」 in every rendering.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from processes.callcentre.vocabulary import CHANNELS, OUTCOMES, VOICE_KINDS
from processes.departments import department
from processes.documents.japanese import era_of, wareki
from processes.reports.incident_vocabulary import INCIDENT_KINDS, INCIDENT_STATES
from processes.wards import load_wards

WEEKDAYS = "月火水木金土日"
VISIT_OUTCOMES = {"corner": "コーナーで完了", "guided": "担当窓口へ案内", "mailed": "郵送", "not_needed": "不要"}
REQUEST_KINDS = {"booking": "予約申込", "inquiry": "問い合わせ", "survey": "アンケート"}
KIND_TITLES = {"daily": "業務日誌", "monthly": "月次業務実績", "annual": "年次業務実績・履行状況"}


@dataclass
class Chart:
    kind: str                      # bar or line
    title: str
    series: list[int]              # the columns drawn, against the first column as categories
    percent: bool = False


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    formats: list[str]
    charts: list[Chart] = field(default_factory=list)
    row_formats: list[str] | None = None
    """A key-value table: one format per row (for the value column) instead of per column."""

    def format_of(self, row: int, column: int) -> str:
        if self.row_formats is not None and column > 0:
            return self.row_formats[row]
        return self.formats[column]


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    text: str | None = None
    """A section written by a supervisor (所見, 課題, 業務改善策) instead of tables."""


@dataclass
class Document:
    kind: str
    title: str
    period: str
    sections: list[Section]

    @property
    def heading(self) -> str:
        return f"{self.title}　{self.period}"


# ---------------------------------------------------------------------------------------------- labels
def day_label(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{wareki(day)}（{WEEKDAYS[day.weekday()]}）"


def short_day(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{day.month}/{day.day}（{WEEKDAYS[day.weekday()]}）"


def month_label(value: str) -> str:
    return wareki(date.fromisoformat(f"{value}-01")).rsplit("月", 1)[0] + "月"


def fiscal_year_label(year: int) -> str:
    era, number = era_of(date(year, 4, 1))
    return f"{era}{'元' if number == 1 else number}年度"


def ward_name(code: str) -> str:
    ward = load_wards().get(code)
    return ward.name if ward else code


def department_name(code: str) -> str:
    found = department(code) if code else None
    return found.name if found else (code or "未設定")


def procedure_name(code: str) -> str:
    from processes.okuyami.catalogue import load_catalogue

    found = load_catalogue().get(code)
    return f"{code} {found.name}" if found else code


# ---------------------------------------------------------------------------------------------- pieces
def _kv(title: str, rows: list[tuple[str, object, str]]) -> Table:
    return Table(title, ["項目", "値"], [[label, value] for label, value, _ in rows], ["text", "text"],
                 row_formats=[fmt for _, _, fmt in rows])


def _counts(title: str, heading: str, counts: dict, names, chart: bool = True) -> Table:
    rows = [[names(code), n] for code, n in counts.items()]
    return Table(title, [heading, "件数"], rows, ["text", "int"],
                 [Chart("bar", title, [1])] if chart and rows else [])


def _calls_summary(r: dict) -> list[tuple[str, object, str]]:
    calls = r["calls"]
    return [("着信数（受電対象）", r["offered"], "int"), ("応答数", r["answered"], "int"),
            ("受電応答率（10秒以内）", r["service_level"], "pct"), ("受電応答率の目標", r.get("service_level_target"), "pct"),
            ("一次完了率", r["first_contact_resolution"], "pct"),
            ("一次完了率の目標", r.get("first_contact_resolution_target"), "pct"),
            ("放棄呼", calls["abandoned"], "int"), ("平均応答時間", calls["average_speed_of_answer_s"], "sec"),
            ("平均処理時間", calls["average_handling_time_s"], "sec")]


def _by_hour(r: dict) -> Table:
    rows = [[f"{h['hour']}時台", h["offered"], h["answered"], h["answered_within_10s"]] for h in r["calls"]["by_hour"]]
    return Table("時間帯別の着信と応答", ["時間帯", "着信数", "応答数", "10秒以内の応答"], rows,
                 ["text", "int", "int", "int"], [Chart("bar", "時間帯別の着信と応答", [1, 2, 3])] if rows else [])


def _contacts(c: dict) -> Section:
    summary = _kv("応対の概要", [("応対件数", c["total"], "int"), ("所管課への引継ぎ", c["handed_over"], "int"),
                             ("対応中の引継ぎ", c["open_handovers"], "int"),
                             ("未完了の折り返し", c["open_callbacks"], "int")])
    return Section("応対履歴", [summary,
                            _counts("受付方法別", "受付方法", c["by_channel"], lambda x: CHANNELS.get(x, x)),
                            _counts("分類別", "分類", c["by_category"], lambda x: x or "未分類"),
                            _counts("対応結果別", "対応結果", c["by_outcome"], lambda x: OUTCOMES.get(x, x))])


def _voice(c: dict) -> Section:
    return Section("市民の声", [
        _kv("受付件数", [("市民の声", c["citizen_voice"], "int")]),
        _counts("種別ごと", "種別", c["citizen_voice_by_kind"], lambda x: VOICE_KINDS.get(x, x)),
        _counts("所管課ごと", "所管課", c["citizen_voice_by_department"], department_name, chart=False)])


def _visits(r: dict) -> Section:
    rows = [[ward_name(code), w["bookings"], w["cancelled"], w["walk_ins"], w["visits"], w["corner_minutes_median"],
             w["corner_minutes_longest"]] for code, w in r["visits"].items()]
    t = r["visit_totals"]
    rows.append(["合計", t["bookings"], t["cancelled"], t["walk_ins"], t["visits"], None, None])
    table = Table("区別の予約・来庁と窓口所要時間",
                  ["区", "予約", "予約取消", "予約なし来庁", "来庁（受付済み）", "窓口所要時間（中央値）", "窓口所要時間（最長）"],
                  rows, ["text", "int", "int", "int", "int", "min", "min"],
                  [Chart("bar", "区別の予約と来庁", [1, 4])] if len(rows) > 1 else [])
    bands = Table("窓口所要時間の分布（区別、件数）", ["区", "30分未満", "30〜60分", "60〜90分", "90分以上"],
                  [[ward_name(code), *w["corner_minutes_bands"].values()] for code, w in r["visits"].items()],
                  ["text", "int", "int", "int", "int"])
    bands.charts = [Chart("bar", "窓口所要時間の分布", [1, 2, 3, 4])] if bands.rows else []
    return Section("おくやみコーナー（区別）", [table, bands])


def _incidents(i: dict) -> Section:
    rows = [[f"第{x['number']}号", day_label(x["occurred_on"]), INCIDENT_KINDS.get(x["kind"], x["kind"]),
             "あり" if x["personal_data"] else "なし", INCIDENT_STATES.get(x["state"], x["state"]),
             day_label(x["submitted_on"]) if x["submitted_on"] else "—"] for x in i["items"]]
    return Section("随時報告（事故・インシデント）", [
        Table(f"件数 {i['total']}件", ["番号", "発生日", "種別", "個人情報", "状態", "市への提出日"], rows,
              ["text"] * 6)])


def _text(title: str, value: str | None) -> Section:
    return Section(title, text=(value or "").strip() or "（記入なし）")


# ---------------------------------------------------------------------------------------------- documents
def daily_document(r: dict, texts: dict | None = None) -> Document:
    texts = texts or {}
    t, tasks, contacts = r["visit_totals"], r["tasks"], r["contacts"]
    summary = _kv("概要", _calls_summary(r) + [
        ("応対件数", contacts["total"], "int"), ("予約（当日分）", t["bookings"], "int"),
        ("予約取消", t["cancelled"], "int"), ("来庁", t["visits"], "int"), ("予約なし来庁", t["walk_ins"], "int"),
        ("オンライン受付", r["online_requests"]["total"], "int"),
        ("フォローアップ電話", tasks["followup_calls"], "int"),
        ("対応中の引継ぎ", contacts["open_handovers"], "int"), ("未完了の折り返し", contacts["open_callbacks"], "int"),
        ("期限超過のタスク", tasks["overdue_tasks"], "int"), ("市民の声", contacts["citizen_voice"], "int"),
        ("随時報告", r["incidents"]["total"], "int")])
    sections = [Section("電話（コールセンター）", [summary, _by_hour(r)]), _contacts(contacts), _voice(contacts),
                _visits(r), _incidents(r["incidents"]), _text("スーパーバイザー所見", texts.get("remarks"))]
    return Document("daily", KIND_TITLES["daily"], day_label(r["date"]), sections)


def _comments(comments: list[dict] | None) -> Table:
    """The survey comments a supervisor picked for the month (masked, reviewed); none picked is an empty table."""
    rows = [[ward_name(c["ward"]), short_day(c["answered_on"]), c["text"]] for c in comments or []]
    return Table("ご意見（スーパーバイザーが確認し掲載を選んだもの）", ["区", "回答日", "ご意見"], rows,
                 ["text", "text", "text"])


def _survey(s: dict | None, comments: list[dict] | None = None) -> Section:
    if s is None:
        return Section("アンケート（満足度）", [_kv("回答", [("回答数", None, "int")]), _comments(comments)])
    summary = _kv("全体", [("回答数", s["answers"], "int"), ("おくやみコーナーの満足度（5段階）", s["corner_satisfaction"], "score"),
                         ("コールセンターの満足度（5段階）", s["callcentre_satisfaction"], "score"),
                         ("所要時間が適切だった割合", s["time_felt_right_share"], "pct")])
    rows = [[ward_name(code), w["answers"], w["corner_satisfaction"], w["callcentre_satisfaction"],
             w["time_felt_right_share"]] for code, w in s.get("by_ward", {}).items()]
    by_ward = Table("区別", ["区", "回答数", "コーナー満足度", "コールセンター満足度", "所要時間が適切"], rows,
                    ["text", "int", "score", "score", "pct"], [Chart("bar", "区別の満足度（5段階）", [2, 3])] if rows else [])
    return Section("アンケート（満足度）", [summary, by_ward, _comments(comments)])


def _staffing(s: dict) -> Section:
    rows = [[f"{h['hour']}時台", h["forecast_calls"], h["required_seats"], h["staffed_seats"]] for h in s["hours"]]
    table = Table(f"時間帯別（電話のあった{s['days']}日の平均）", ["時間帯", "予測呼数", "必要席数", "配置席数"], rows,
                  ["text", "num", "num", "num"], [Chart("bar", "必要席数と配置席数", [2, 3])] if rows else [])
    return Section("人員配置（予測と配置）", [table, _kv("不足", [("配置が必要席数を下回った時間帯", s["short_hours"], "int")])])


def _procedures(p: dict | None) -> Section:
    if p is None:
        return Section("手続（おくやみコーナー）", [_kv("手続", [("案内した手続", None, "int")])])
    summary = _kv("概要", [("来庁（退庁済み）", p["visits"], "int"), ("案内した手続", p["handled"], "int"),
                         ("コーナーで完了した割合", p["corner_share"], "pct")]
                  + [(VISIT_OUTCOMES.get(k, k), n, "int") for k, n in p["by_outcome"].items()])
    rows = [[procedure_name(x["id"]), x["total"], x["corner"], x["guided"], x["mailed"], x["not_needed"]]
            for x in p["top"]]
    top = Table("多かった手続", ["手続", "件数", "コーナーで完了", "担当窓口へ案内", "郵送", "不要"], rows,
                ["text", "int", "int", "int", "int", "int"], [Chart("bar", "多かった手続", [2, 3])] if rows else [])
    return Section("手続（おくやみコーナー）", [summary, top])


def _faq(f: dict) -> Section:
    top = Table("よく使われたFAQ", ["FAQ番号", "質問", "利用回数"],
                [[x["number"], x["question"], x["uses"]] for x in f["top_items"]], ["int", "text", "int"])
    zero = Table("該当なしの検索語（2件以上の応対で検索された語）", ["検索語", "回数"], [[x["query"], x["searches"]] for x in f["zero_hit_queries"]],
                 ["text", "int"])
    return Section("FAQ", [_kv("検索", [("検索回数", f["searches"], "int")]), top, zero])


def monthly_document(r: dict, texts: dict | None = None) -> Document:
    texts = texts or {}
    by_day = Table("日別の受電応答率", ["日", "着信数", "応答数", "受電応答率", "目標"],
                   [[short_day(d["date"]), d["offered"], d["answered"], d["service_level"], r["service_level_target"]]
                    for d in r["calls_by_day"]], ["text", "int", "int", "pct", "pct"])
    by_day.charts = [Chart("line", "日別の受電応答率と目標", [3, 4], percent=True)] if by_day.rows else []
    trend = Table("過去12か月の推移", ["月", "着信数", "応答数", "受電応答率", "応対件数", "来庁"],
                  [[month_label(m["month"]), m["offered"], m["answered"], m["service_level"], m["contacts"],
                    m["visits"]] for m in r["trend"]], ["text", "int", "int", "pct", "int", "int"],
                  [Chart("line", "着信・応対・来庁の推移", [1, 4, 5])])
    sections = [Section("電話（コールセンター）", [_kv("概要", _calls_summary(r)), by_day, _by_hour(r)]),
                Section("推移", [trend]), _staffing(r["staffing"]), _contacts(r["contacts"]), _voice(r["contacts"]),
                _visits(r), _procedures(r.get("procedures")), _survey(r.get("survey"), r.get("survey_comments")), _faq(r["faq"]),
                _incidents(r["incidents"]), _text("課題", texts.get("issues")),
                _text("業務改善策", texts.get("improvements"))]
    return Document("monthly", KIND_TITLES["monthly"], month_label(r["month"]), sections)


def annual_document(r: dict, texts: dict | None = None) -> Document:
    texts = texts or {}
    t = r["totals"]
    summary = _kv("年間の概要", [
        ("着信数", r["offered"], "int"), ("応答数", r["answered"], "int"),
        ("受電応答率（年間）", r["service_level"], "pct"), ("受電応答率の目標", r["service_level_target"], "pct"),
        ("目標を満たした月", r["months_meeting_service_level"], "int"),
        ("一次完了率（年間）", r["first_contact_resolution"], "pct"),
        ("一次完了率の目標", r["first_contact_resolution_target"], "pct"),
        ("目標を満たした月（一次完了率）", r["months_meeting_resolution"], "int"),
        ("応対件数", t["contacts"], "int"), ("市民の声", t["citizen_voice"], "int"), ("予約", t["bookings"], "int"),
        ("来庁", t["visits"], "int"), ("予約なし来庁", t["walk_ins"], "int"), ("随時報告", t["incidents"], "int")])
    months = Table("月別の実績", ["月", "着信数", "応答数", "受電応答率", "一次完了率", "応対件数", "市民の声", "予約", "来庁",
                               "随時報告", "コーナー満足度"],
                   [[month_label(m["month"]), m["offered"], m["answered"], m["service_level"],
                     m["first_contact_resolution"], m["contacts"], m["citizen_voice"], m["bookings"], m["visits"],
                     m["incidents"], m["survey_corner_satisfaction"]] for m in r["months"]],
                   ["text", "int", "int", "pct", "pct", "int", "int", "int", "int", "int", "score"],
                   [Chart("line", "受電応答率と一次完了率", [3, 4], percent=True),
                    Chart("bar", "月別の着信・応対・来庁", [1, 5, 8])])
    sections = [Section("年間の実績", [summary]), Section("月別の実績", [months]),
                _text("課題", texts.get("issues")), _text("業務改善策", texts.get("improvements"))]
    return Document("annual", KIND_TITLES["annual"], fiscal_year_label(r["fiscal_year"]), sections)


def document_for(figures: dict, texts: dict | None = None) -> Document:
    return {"daily": daily_document, "monthly": monthly_document, "annual": annual_document}[figures["kind"]](
        figures, texts)


def shown(value, fmt: str) -> str:
    """A value as text in Japanese, the way the HTML and the PDF show it."""
    if value is None:
        return "—" if fmt in ("min", "sec") else "データなし"
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "score":
        return f"{value:.2f}"
    if fmt == "num":
        return f"{value:.1f}"
    if fmt == "min":
        return f"{value:g}分"
    if fmt == "sec":
        return f"{value:g}秒"
    if fmt == "int":
        return f"{value:,}" if isinstance(value, int) else str(value)
    return str(value)
