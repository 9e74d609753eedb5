"""FEEL tokens. Names may hold spaces (`Monthly Salary`): words in a row are joined by the parser, and names the
model declares (input data, decisions, knowledge models) or FEEL's own multi-word functions (`date and time`,
`string length`) are matched whole, longest first, even when they contain a keyword or a symbol."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .errors import FeelSyntaxError

BUILTIN_MULTIWORD = (
    "date and time", "string length", "upper case", "lower case", "substring before", "substring after",
    "starts with", "ends with", "list contains", "distinct values", "index of", "day of week", "month of year",
    "years and months duration",
)


class Token(NamedTuple):
    kind: str
    """num, str, name, op, end"""
    value: str
    pos: int


_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_NAME = re.compile(r"[^\W\d]\w*")
_OPERATOR = re.compile(r"\*\*|<=|>=|!=|==|\.\.|[-+*/<>=(),\[\]{}.:?]")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'"}


@lru_cache(maxsize=256)
def _known_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern per model (all its cells share the names), built once."""
    special = sorted({n for n in names if n and not _NAME.fullmatch(n)}, key=len, reverse=True)
    if not special:
        return None
    return re.compile("|".join(re.escape(n) for n in special) + r"(?!\w)")


_BUILTIN_PATTERN = _known_pattern(BUILTIN_MULTIWORD)


def tokenize(text: str, known_names=()) -> list[Token]:
    known = _known_pattern(tuple(known_names)) if known_names else None
    tokens: list[Token] = []
    pos, end = 0, len(text)
    while pos < end:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
            continue
        ch = text[pos]
        if ch == '"':
            value, pos = _string(text, pos)
            tokens.append(Token("str", value, pos))
            continue
        for pattern in (known, _BUILTIN_PATTERN):
            m = pattern.match(text, pos) if pattern is not None else None
            if m and (pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_")):
                tokens.append(Token("name", m.group(), pos))
                pos = m.end()
                break
        else:
            m = _NUMBER.match(text, pos)
            if m:
                tokens.append(Token("num", m.group(), pos))
                pos = m.end()
                continue
            m = _NAME.match(text, pos)
            if m:
                tokens.append(Token("name", m.group(), pos))
                pos = m.end()
                continue
            m = _OPERATOR.match(text, pos)
            if m:
                if m.group() == "==":
                    raise FeelSyntaxError("'==' is not FEEL; use '='", "「==」は FEEL では使えません。等しいかどうかは「=」で書いてください", pos)
                tokens.append(Token("op", m.group(), pos))
                pos = m.end()
                continue
            if ch == "'":
                raise FeelSyntaxError("strings take double quotes in FEEL",
                                      "文字列は二重引用符 \" で囲んでください（例: \"yes\"）", pos)
            raise FeelSyntaxError(f"unexpected character {ch!r}", f"使えない文字「{ch}」があります", pos)
    tokens.append(Token("end", "", end))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    out = []
    pos = start + 1
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            return "".join(out), pos + 1
        if ch == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[pos + 2:pos + 6] or ""):
                out.append(chr(int(text[pos + 2:pos + 6], 16)))
                pos += 6
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                pos += 2
                continue
        out.append(ch)
        pos += 1
    raise FeelSyntaxError("unterminated string", "文字列の引用符 \" が閉じていません", start)
