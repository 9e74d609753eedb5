"""The answers code (回答コード): a family's navi answers packed into a short code that reads well over the phone.

The code carries the answers themselves, never a reference to stored data: every question of the interview
version's schema is one digit of a mixed-radix number (0 = not answered), written in Crockford base32 (no I, L,
O, U; I/L read as 1 and O as 0 when typed), after one character for the interview version and followed by a
Damm check character over GF(32), which catches every single mistyped character and every swap of two
neighbours. Pure: the public side encodes with the exported schema, the staff side decodes with every version's
schema (interview_versions.json) and maps older answers onto the current questions.

A schema is a list of {"key", "kind", "options"}: kind yes_no/choice (options: the answer values), multi (the
items that may be ticked; "unknown" is its own state) or number (options: [maximum])."""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_VALUE.update({"I": 1, "L": 1, "O": 0})
UNKNOWN = "unknown"
GROUP = 4
_FIELD_POLYNOMIAL = 0b100101                 # x^5 + x^2 + 1, irreducible: GF(32)


class CodeError(ValueError):
    """A code that cannot be read; `message` says so in Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _times_two(x: int) -> int:
    x <<= 1
    return x ^ _FIELD_POLYNOMIAL if x & 0b100000 else x


def _damm(values: list[int]) -> int:
    """Damm's quasigroup x∘y = 2x + y over GF(32): 0 over a valid code including its check character."""
    interim = 0
    for value in values:
        interim = _times_two(interim) ^ value
    return interim


def _radix(question: dict) -> int:
    kind, options = question["kind"], question["options"]
    if kind == "multi":
        return 2 + (1 << len(options))
    if kind == "number":
        return 3 + int(options[0])
    return 1 + len(options)


def _digit(question: dict, value) -> int:
    """The question's answer as its digit; an answer the schema cannot hold is left unanswered (0)."""
    if value is None:
        return 0
    kind, options = question["kind"], question["options"]
    if kind == "multi":
        if value == UNKNOWN:
            return 1
        if not isinstance(value, list):
            return 0
        return 2 + sum(1 << options.index(item) for item in set(value) if item in options)
    if kind == "number":
        if value == UNKNOWN:
            return 1
        return 2 + value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= options[0] else 0
    return 1 + options.index(value) if value in options else 0


def _answer(question: dict, digit: int):
    kind, options = question["kind"], question["options"]
    if kind == "multi":
        return UNKNOWN if digit == 1 else [item for bit, item in enumerate(options) if digit - 2 >> bit & 1]
    if kind == "number":
        return UNKNOWN if digit == 1 else digit - 2
    return options[digit - 1]


def _width(schema: list[dict]) -> int:
    total, width = 1, 0
    for question in schema:
        total *= _radix(question)
    while 32 ** width < total:
        width += 1
    return width


def encode(version: int, schema: list[dict], answers: dict) -> str:
    """The code of `answers` (keys the schema does not know are not carried)."""
    if not 1 <= version < 32:
        raise ValueError(f"interview version {version} does not fit one character")
    number = 0
    for question in schema:
        number = number * _radix(question) + _digit(question, answers.get(question["key"]))
    payload = []
    for _ in range(_width(schema)):
        number, rest = divmod(number, 32)
        payload.append(rest)
    values = [version, *reversed(payload)]
    values.append(_times_two(_damm(values)))
    text = "".join(ALPHABET[v] for v in values)
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


def normalise(code: str) -> list[int]:
    """The code's values, or CodeError; spaces and hyphens are ignored, lower case is read as upper case."""
    text = "".join(str(code).split()).replace("-", "").upper()
    if not text:
        raise CodeError("回答コードを入力してください。")
    wrong = sorted({c for c in text if c not in _VALUE})
    if wrong:
        raise CodeError(f"回答コードに使えない文字（{'、'.join(wrong)}）があります。使える文字は数字と英字（U を除く）です。")
    values = [_VALUE[c] for c in text]
    if len(values) < 3 or _damm(values) != 0:
        raise CodeError("回答コードが正しくありません。聞き間違い・打ち間違いがないか、もう一度ご確認ください。")
    return values


def version_of(code: str) -> int:
    return normalise(code)[0]


def decode(code: str, schemas: dict[int, list[dict]]) -> tuple[int, dict]:
    """(interview version, the answers the code carries); CodeError if it is mistyped or of an unknown version."""
    values = normalise(code)
    version, payload = values[0], values[1:-1]
    schema = schemas.get(version)
    if schema is None or len(payload) != _width(schema):
        raise CodeError("この回答コードは読み取れません。コードの長さと文字をご確認ください。")
    number = 0
    for value in payload:
        number = number * 32 + value
    digits = []
    for question in reversed(schema):
        number, digit = divmod(number, _radix(question))
        digits.append(digit)
    if number:
        raise CodeError("回答コードが正しくありません。聞き間違い・打ち間違いがないか、もう一度ご確認ください。")
    answers = {}
    for question, digit in zip(schema, reversed(digits)):
        if digit:
            answers[question["key"]] = _answer(question, digit)
    return version, answers


def map_answers(answers: dict, schema: list[dict]) -> tuple[dict, list[str]]:
    """Older answers onto `schema`: (what still fits, the keys of `answers` that no longer do)."""
    by_key = {question["key"]: question for question in schema}
    kept, dropped = {}, []
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            dropped.append(key)
            continue
        if question["kind"] == "multi" and isinstance(value, list):
            fits = [item for item in value if item in question["options"]]
            if len(fits) != len(value):
                dropped.append(key)
                continue
            kept[key] = fits
        elif _digit(question, value):
            kept[key] = value
        else:
            dropped.append(key)
    return kept, dropped


def fits(question: dict, value) -> bool:
    """Whether `value` is an answer the question offers (a ticked list only of its items)."""
    if question["kind"] == "multi" and isinstance(value, list):
        return all(item in question["options"] for item in value)
    return _digit(question, value) != 0


def allowed_text(question: dict) -> str:
    """What the question accepts, in Japanese, for an error message."""
    kind, options = question["kind"], question["options"]
    if kind == "multi":
        return "該当する項目の一覧（リスト）か「unknown」で回答してください。"
    if kind == "number":
        return f"0 から {options[0]} までの人数か「unknown」で回答してください。"
    return "「" + "」「".join(options) + "」のいずれかで回答してください。"
