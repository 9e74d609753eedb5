"""The Japanese normaliser that the index, the queries and the highlighting share (the public side too, so it
imports nothing but the standard library).

NFKC (full/half width, ｶﾞ → ガ), case folded, katakana folded to hiragana, small kana to their large forms
(ぁ → あ, っ → つ), long-vowel marks dropped (コンピューター and コンピュータ meet), whitespace collapsed. Each
original character maps to zero or more normalised ones, and `normalise_with_map` keeps where each came from,
so that a match in the normalised text can be highlighted in the original.
"""
from __future__ import annotations

import unicodedata

_SMALL = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
_LONG_VOWEL = {"ー", "ｰ", "〜", "～", "―", "‐"}
_VOICING = {"\u3099", "\u309a"}
_SPACE = {" ", "\u3000", "\t", "\n", "\r"}


def _fold(char: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", char).casefold():
        code = ord(c)
        if 0x30A1 <= code <= 0x30F6:          # katakana → hiragana
            c = chr(code - 0x60)
        if c in _LONG_VOWEL:
            continue
        out.append(c.translate(_SMALL))
    return "".join(out)


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text or ""):
        if char in _SPACE:
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
            continue
        folded = _fold(char)
        if folded and folded[0] in _VOICING and chars:
            # A half-width voicing mark (ﾞ ﾟ) joins the kana before it.
            chars[-1] = unicodedata.normalize("NFC", chars[-1] + folded[0]).translate(_SMALL)
            folded = folded[1:]
        for c in folded:
            chars.append(c)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


def terms(query: str) -> list[str]:
    """The query's words, normalised, without duplicates (spaces of either width separate them)."""
    seen: list[str] = []
    for word in normalise(query).split(" "):
        if word and word not in seen:
            seen.append(word)
    return seen
