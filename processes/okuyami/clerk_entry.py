"""Dates and kana the way clerks type them: a birth date in 和暦 (昭和16年4月12日, S16.4.12) or Western form
(1941-04-12, 1941/4/12, 1941年4月12日), full-width digits included; フリガナ in half-width katakana or hiragana,
converted to full-width katakana. The booking screen and the JSON API read reservations through the same
`normalise_reservation`, so both accept the same input and store the same ISO date and katakana."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from processes.documents.japanese import ERAS, wareki
from processes.tasks.validation import FieldError

ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA_NAMES = "|".join(name for _, name in ERAS)
_JAPANESE = re.compile(rf"^(?:(?P<era>{_ERA_NAMES})|(?P<letter>[MTSHR]))\s*(?P<year>元|\d{{1,2}})\s*"
                       r"(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$")
_WESTERN = re.compile(r"^(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?$")
DATE_HINT = "昭和16年4月12日、S16.4.12、1941-04-12 のように入力してください。"
PEOPLE = ("deceased", "applicant", "funeral_host", "new_householder")
DATE_FIELDS = ("date_of_death", "death_registered_on")


class DateEntryError(ValueError):
    """A date that cannot be read; `message` says in Japanese what is accepted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _era_range(name: str) -> tuple[date, date | None]:
    starts = [start for start, era in ERAS]
    index = [era for _, era in ERAS].index(name)
    end = starts[index - 1] if index > 0 else None
    return starts[index], end


def parse_date(text: str) -> date:
    """A date as a clerk types it; DateEntryError when it is not one (or not a day of the era named)."""
    value = unicodedata.normalize("NFKC", text or "").strip().upper().replace(" ", "")
    if match := _WESTERN.match(value):
        year = int(match["year"])
    elif match := _JAPANESE.match(value):
        era = match["era"] or ERA_LETTERS[match["letter"]]
        first, following = _era_range(era)
        era_year = 1 if match["year"] == "元" else int(match["year"])
        if era_year < 1:
            raise DateEntryError(f"{era}の年は1年（元年）からです。")
        year = first.year + era_year - 1
    else:
        raise DateEntryError(DATE_HINT)
    try:
        day = date(year, int(match["month"]), int(match["day"]))
    except ValueError:
        raise DateEntryError(f"存在しない日付です。{DATE_HINT}") from None
    if match.re is _JAPANESE and not (first <= day and (following is None or day < following)):
        until = wareki(following - timedelta(days=1)) if following else "今日"
        raise DateEntryError(f"{era}の期間にない日付です（{era}は{wareki(first)}から{until}まで）。")
    return day


def full_width_katakana(text: str) -> str:
    """Half-width katakana and hiragana as full-width katakana; runs of spaces as one half-width space."""
    value = unicodedata.normalize("NFKC", text or "")
    value = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in value)
    return re.sub(r"\s+", " ", value).strip()


def normalise_reservation(data: dict) -> tuple[dict, list[FieldError]]:
    """The reservation with its dates as ISO text and its フリガナ in full-width katakana, and an error for every
    date that cannot be read. Anything that is not text is left for the schema to name."""
    result = dict(data)
    errors: list[FieldError] = []

    def date_at(holder: dict, key: str, path: str) -> None:
        value = holder.get(key)
        if not isinstance(value, str) or not value.strip():
            return
        try:
            holder[key] = parse_date(value).isoformat()
        except DateEntryError as exc:
            errors.append(FieldError(path, exc.message))

    for key in DATE_FIELDS:
        date_at(result, key, key)
    for who in PEOPLE:
        if not isinstance(result.get(who), dict):
            continue
        person = result[who] = dict(result[who])
        date_at(person, "birth_date", f"{who}.birth_date")
        if isinstance(person.get("kana"), str):
            person["kana"] = full_width_katakana(person["kana"])
    account = result.get("refund_account")
    if isinstance(account, dict) and isinstance(account.get("holder_kana"), str):
        result["refund_account"] = {**account, "holder_kana": full_width_katakana(account["holder_kana"])}
    return result, errors
