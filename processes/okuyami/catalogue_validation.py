"""Checking a procedure catalogue's YAML text (手続カタログの検証): safe loading, size-limited, every problem listed
at once, each naming the entry and the field, in Japanese a process owner understands; nothing partial is ever
returned. The vocabulary it checks against (categories, handling, field names) is defined here; the catalogue
(processes/okuyami/catalogue.py) builds its procedures from what passes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Mapping
from urllib.parse import urlsplit

import yaml

from engine.errors import OkuyamiError
from processes.departments import DEPARTMENTS
from processes.okuyami.interview import ALL_KEYS as INTERVIEW_KEYS
from processes.okuyami.procedure_ids import PROCEDURE_ID_SET, PROCEDURE_IDS
from processes.wards import load_wards

MAX_CATALOGUE_BYTES = 1_000_000
"""An upload larger than this is refused before parsing (the repository's catalogue is about 90 kB)."""

CATEGORIES: tuple[str, ...] = ("戸籍住民", "介護保険", "高齢・障害等", "保険年金", "税務", "児童家庭", "保育", "衛生", "福祉")
"""The groups of the specification 5(3)①, in its order and with its words."""

HANDLING_LABELS: Mapping[str, str] = MappingProxyType({
    "corner": "おくやみコーナーで完了",
    "guided": "担当窓口へご案内",
    "mailed": "担当課から郵送",
})

FIELD_LABELS: Mapping[str, str] = MappingProxyType({
    "version": "版", "effective_from": "適用開始日", "procedures": "手続一覧",
    "id": "手続ID", "name": "手続名", "category": "分類", "department": "担当課", "counters": "窓口",
    "items_to_bring": "持ち物", "explanation": "解説", "url": "URL", "deadline": "期限", "handling": "取扱い",
    "forms": "様式", "effective_to": "適用終了日", "form_conditions": "様式の条件",
})
TOP_LEVEL_FIELDS = ("version", "effective_from", "procedures")
ENTRY_FIELDS = ("id", "name", "category", "department", "counters", "items_to_bring", "explanation", "url",
                "deadline", "handling", "forms", "form_conditions", "effective_from", "effective_to")
OPTIONAL_ENTRY_FIELDS = frozenset({"forms", "form_conditions", "effective_to"})
_PLAIN_TEXT_FIELDS = ("name", "explanation", "deadline")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FORM_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")


# ---------------------------------------------------------------------------------------------- problems
@dataclass(frozen=True)
class CatalogueProblem:
    """One reason a catalogue is refused. `entry` is the procedure ID (or "3件目" when the entry has no usable ID),
    `field` the YAML key; `message` is a whole Japanese sentence that names both."""

    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {"entry": self.entry, "field": self.field, "message": self.message}


class CatalogueError(OkuyamiError):
    """A catalogue was refused; `problems` holds every reason."""

    user_message = "手続カタログに問題があるため、読み込めませんでした。"

    def __init__(self, problems: list[CatalogueProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        where = "; ".join(f"{p.entry or '-'}/{p.field or '-'}" for p in self.problems[:20])
        more = " ..." if count > 20 else ""
        super().__init__(
            f"procedure catalogue refused with {count} problem(s): {where}{more}",
            user_message=f"手続カタログに{count}件の問題があるため、受け付けられませんでした。\n"
                         + "\n".join(f"・{p.message}" for p in self.problems))


def _label(field_name: str) -> str:
    return f"「{FIELD_LABELS.get(field_name, field_name)}」({field_name})"


@dataclass(frozen=True)
class CheckedCatalogue:
    """A catalogue text that passed every check: its header and its entries' fields in YAML order."""

    version: str
    effective_from: date
    entries: list[dict]
    text: str


def normalise_text(text: str | bytes) -> str:
    """What is hashed and stored: UTF-8 text without a BOM, with \\n line endings."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _CatalogueLoader(yaml.SafeLoader):
    """safe_load's loader, except that dates stay text (so a bad date is reported with its entry and field instead
    of aborting the whole load) and repeated keys in one mapping are recorded instead of silently overwritten."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated_keys: list[tuple[str, int]] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    self.repeated_keys.append((key, key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_CatalogueLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _parse_yaml(text: str) -> tuple[object, list[CatalogueProblem]]:
    loader = _CatalogueLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}行目付近: " if mark is not None else ""
        return None, [CatalogueProblem(None, None, f"YAMLの書き方に誤りがあります（{where}{exc.problem or exc}）。")]
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return None, [CatalogueProblem(None, None, f"YAMLとして読み取れません（{type(exc).__name__}: {exc}）。")]
    finally:
        loader.dispose()
    problems = [CatalogueProblem(None, key, f"{line}行目: キー {_label(key)} が同じ項目の中で重複しています。")
                for key, line in loader.repeated_keys]
    return document, problems


def check_catalogue_text(text: str | bytes, *, max_bytes: int = MAX_CATALOGUE_BYTES) -> CheckedCatalogue:
    """Check uploaded YAML (safe loading only, size-limited): its checked content, or CatalogueError listing every
    problem."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise CatalogueError([CatalogueProblem(
            None, None, f"ファイルが大きすぎます（{size:,}バイト。上限は{max_bytes:,}バイトです）。")])
    try:
        text = normalise_text(text)
    except UnicodeDecodeError:
        raise CatalogueError([CatalogueProblem(None, None, "文字コードが UTF-8 ではありません。UTF-8 で保存してください。")]) from None
    return _check(text)


# ---------------------------------------------------------------------------------------------- the checks
def _check(text: str) -> CheckedCatalogue:
    document, problems = _parse_yaml(text)
    if document is None and not problems:
        problems.append(CatalogueProblem(None, None, "ファイルが空です。"))
    if problems and document is None:
        raise CatalogueError(problems)
    if not isinstance(document, dict):
        raise CatalogueError(problems + [CatalogueProblem(
            None, None, "ファイルの一番上は「version」「effective_from」「procedures」を持つ項目にしてください。")])

    for key in document:
        if key not in TOP_LEVEL_FIELDS:
            problems.append(CatalogueProblem(None, str(key), f"不明な項目 {_label(str(key))} があります。"))
    version = document.get("version")
    if not isinstance(version, (str, int)) or isinstance(version, bool) or not str(version).strip():
        problems.append(CatalogueProblem(None, "version", f"{_label('version')} が入力されていません（例: \"2026-04\"）。"))
        version = ""
    catalogue_from = _date_value(document.get("effective_from"), "カタログ全体", "effective_from", problems,
                                 required=True)

    raw_entries = document.get("procedures")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(CatalogueProblem(None, "procedures", f"{_label('procedures')} に手続が1件もありません。"))
        raw_entries = []

    wards = tuple(load_wards())
    entries: list[dict] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        checked = _entry(index, raw, wards, seen, problems)
        if checked is not None:
            entries.append(checked)

    if raw_entries:
        for missing in (pid for pid in PROCEDURE_IDS if pid not in seen):
            problems.append(CatalogueProblem(missing, "id", f"手続 {missing} がカタログにありません（{_label('id')} は仕様書の50件すべてが必要です）。"))
    if problems:
        raise CatalogueError(problems)
    return CheckedCatalogue(str(version).strip(), catalogue_from, entries, text)


def _entry(index: int, raw: object, wards: tuple[str, ...], seen: set[str],
           problems: list[CatalogueProblem]) -> dict | None:
    """The entry's fields, checked, as the catalogue's Procedure takes them; None (with its problems) if any fails."""
    position = f"{index + 1}件目"
    if not isinstance(raw, dict):
        problems.append(CatalogueProblem(position, None, f"{position}の手続が項目の形になっていません。"))
        return None
    before = len(problems)

    raw_id = raw.get("id")
    pid = raw_id.strip() if isinstance(raw_id, str) else None
    where = pid or position
    if not pid:
        problems.append(CatalogueProblem(position, "id", f"{position}の手続に {_label('id')} がありません。"))
    elif pid not in PROCEDURE_ID_SET:
        problems.append(CatalogueProblem(pid, "id", f"{position}の{_label('id')}「{pid}」は仕様書の手続IDにありません。"))
    elif pid in seen:
        problems.append(CatalogueProblem(pid, "id", f"{_label('id')}「{pid}」が重複しています（{position}）。"))
    if pid:
        seen.add(pid)
    subject = f"手続 {where}" if pid else position

    def problem(field_name: str, text: str) -> None:
        problems.append(CatalogueProblem(where, field_name, f"{subject} の{_label(field_name)}: {text}"))

    for key in raw:
        if key not in ENTRY_FIELDS:
            problem(str(key), "不明な項目です（項目名の誤りではありませんか）。")
    for key in ENTRY_FIELDS:
        if key not in raw and key not in OPTIONAL_ENTRY_FIELDS:
            problem(key, "入力されていません。")

    texts = {key: _text(raw, key, problem) for key in _PLAIN_TEXT_FIELDS}
    category = _text(raw, "category", problem)
    if category and category not in CATEGORIES:
        problem("category", f"「{category}」は分類にありません（{' / '.join(CATEGORIES)}）。")
    department = _text(raw, "department", problem)
    if department and department not in DEPARTMENTS:
        problem("department", f"担当課コード「{department}」は登録されていません（{', '.join(DEPARTMENTS)}）。")
    handling = _text(raw, "handling", problem)
    if handling and handling not in HANDLING_LABELS:
        problem("handling", f"「{handling}」は取扱いにありません（{' / '.join(HANDLING_LABELS)}）。")
    url = _text(raw, "url", problem)
    if url and not _valid_url(url):
        problem("url", f"「{url}」は正しいURLではありません（https:// で始まるアドレスを書いてください）。")

    counters = _counters(raw.get("counters"), "counters" in raw, wards, problem)
    items = _text_list(raw.get("items_to_bring"), "items_to_bring" in raw, problem, field_name="items_to_bring",
                       allow_empty=False)
    forms = _text_list(raw.get("forms", []), True, problem, field_name="forms", allow_empty=True)
    for form in forms or ():
        if not _FORM_NAME.fullmatch(form):
            problem("forms", f"様式名「{form}」は英小文字・数字・_ で書いてください。")
    conditions = _form_conditions(raw.get("form_conditions", {}), forms or [], problem)

    starts = _date_value(raw.get("effective_from"), subject, "effective_from", problems, required="effective_from" in raw,
                         entry=where)
    ends = _date_value(raw.get("effective_to"), subject, "effective_to", problems, required=False, entry=where)
    if starts and ends and ends < starts:
        problem("effective_to", f"適用終了日 {ends.isoformat()} が適用開始日 {starts.isoformat()} より前です。")

    if len(problems) > before:
        return None
    return {"id": pid, "name": texts["name"], "category": category, "department": department,
            "counters": MappingProxyType(counters), "items_to_bring": tuple(items), "explanation": texts["explanation"],
            "url": url, "deadline": texts["deadline"], "handling": handling, "forms": tuple(forms),
            "form_conditions": MappingProxyType(conditions),
            "effective_from": starts, "effective_to": ends}


def _form_conditions(value: object, forms: list[str], problem) -> dict[str, dict[str, tuple[str, ...]]]:
    """form_conditions: {様式名: {問診の質問: [当てはまる回答, ...]}}, each form one of the entry's forms."""
    if value is None or value == {}:
        return {}
    if not isinstance(value, dict):
        problem("form_conditions", "様式名ごとに、問診の質問と当てはまる回答の一覧を書いてください"
                                   "（例: kokuho_sosaihi: {health_insurance: [kokuho, unknown]}）。")
        return {}
    conditions: dict[str, dict[str, tuple[str, ...]]] = {}
    for form, condition in value.items():
        if form not in forms:
            problem("form_conditions", f"様式「{form}」はこの手続の様式（forms）にありません。")
            continue
        if not isinstance(condition, dict) or not condition:
            problem("form_conditions", f"様式「{form}」の条件は、問診の質問と当てはまる回答の一覧で書いてください。")
            continue
        checked: dict[str, tuple[str, ...]] = {}
        for key, answers in condition.items():
            if key not in INTERVIEW_KEYS:
                problem("form_conditions", f"様式「{form}」の条件の「{key}」は問診の質問にありません。")
            elif (not isinstance(answers, list) or not answers
                  or not all(isinstance(a, (str, int)) and not isinstance(a, bool) for a in answers)):
                problem("form_conditions", f"様式「{form}」の条件「{key}」には、当てはまる回答を1つ以上の一覧で書いてください。")
            else:
                checked[str(key)] = tuple(str(a) for a in answers)
        conditions[str(form)] = checked
    return conditions


def _text(raw: dict, key: str, problem) -> str | None:
    if key not in raw:
        return None  # reported once as missing
    value = raw[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        problem(key, "空欄です。")
        return None
    if not isinstance(value, str):
        problem(key, f"文字で書いてください（{value!r} は文字ではありません）。")
        return None
    return value.strip()


def _text_list(value: object, present: bool, problem, *, field_name: str, allow_empty: bool) -> list[str] | None:
    if not present:
        return None
    if value is None or value == []:
        if allow_empty:
            return []
        problem(field_name, "1件以上書いてください。")
        return None
    if not isinstance(value, list):
        problem(field_name, "「- 」で始まる一覧の形で書いてください。")
        return None
    out = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            problem(field_name, f"{number}番目が空欄か、文字ではありません。")
        else:
            out.append(item.strip())
    return out


def _counters(value: object, present: bool, wards: tuple[str, ...], problem) -> dict[str, str]:
    if not present:
        return {}
    if not isinstance(value, dict) or not value:
        problem("counters", f"区ごとの窓口を「区コード: 窓口」の形で書いてください（{', '.join(wards)}）。")
        return {}
    out = {}
    for ward, location in value.items():
        if ward not in wards:
            problem("counters", f"区コード「{ward}」は登録されていません（{', '.join(wards)}）。")
        elif not isinstance(location, str) or not location.strip():
            problem("counters", f"{ward} の窓口が空欄か、文字ではありません。")
        else:
            out[ward] = location.strip()
    missing = [w for w in wards if w not in value]
    if missing:
        problem("counters", f"{', '.join(missing)} の窓口がありません（7区すべてが必要です）。")
    return {ward: out[ward] for ward in wards if ward in out}


def _date_value(value: object, subject: str, field_name: str, problems: list[CatalogueProblem], *, required: bool,
                entry: str | None = None) -> date | None:
    if value is None:
        if required:
            problems.append(CatalogueProblem(entry, field_name, f"{subject} の{_label(field_name)}: 入力されていません。"))
        return None
    text = value.strip() if isinstance(value, str) else None
    if text and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(CatalogueProblem(
        entry, field_name, f"{subject} の{_label(field_name)}: 「{value}」は日付として正しくありません（YYYY-MM-DD）。"))
    return None


def _valid_url(url: str) -> bool:
    if any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "." in parts.hostname
