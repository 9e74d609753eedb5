"""Ranking and highlighting over normalised text, shared by the internal search and the public FAQ (so it needs
nothing but the normaliser).

A query is a list of groups: one per word, holding the word and the synonyms it expands to. An item matches when
every group matches somewhere; each group scores where it matched best: the question above the keywords above
the answer. Ties go to the item used more often.
"""
from __future__ import annotations

from processes.faq.normalise import normalise_with_map, terms

QUESTION, KEYWORDS, ANSWER = 100, 10, 1
SHORT_QUERY = 3
"""Words shorter than a trigram are found by substring search instead of the trigram index."""


def groups_for(query: str, synonyms: dict[str, list[str]]) -> list[list[str]]:
    return [[word, *[s for s in synonyms.get(word, []) if s != word]] for word in terms(query)]


def score(question: str, keywords: str, answer: str, groups: list[list[str]]) -> int:
    """0 when some group matches nowhere; arguments are normalised text."""
    total = 0
    for group in groups:
        if any(alt in question for alt in group):
            total += QUESTION
        elif any(alt in keywords for alt in group):
            total += KEYWORDS
        elif any(alt in answer for alt in group):
            total += ANSWER
        else:
            return 0
    return total


def highlight(text: str, groups: list[list[str]]) -> list[tuple[str, bool]]:
    """`text` cut into (segment, matched) pairs; templates mark the matched ones (escaped like any text)."""
    normalised, origin = normalise_with_map(text)
    spans: list[tuple[int, int]] = []
    for needle in {alt for group in groups for alt in group if alt}:
        start = normalised.find(needle)
        while start != -1:
            end = start + len(needle)
            # Up to the next normalised character's origin: a merged voicing mark or a dropped ー belongs here.
            last = origin[end] if end < len(origin) else len(text.rstrip())
            spans.append((origin[start], last))
            start = normalised.find(needle, start + 1)
    if not spans:
        return [(text, False)] if text else []
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        start = max(start, position)
        if start > position:
            segments.append((text[position:start], False))
        if segments and segments[-1][1]:
            segments[-1] = (segments[-1][0] + text[start:end], True)
        else:
            segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def excerpt(text: str, groups: list[list[str]], width: int = 90) -> list[tuple[str, bool]]:
    """A highlighted window of `text` around its first match (its start when nothing matches)."""
    segments = highlight(text, groups)
    position, first = 0, 0
    for segment, matched in segments:
        if matched:
            first = position
            break
        position += len(segment)
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    window = highlight(text[start:end], groups)
    if start > 0:
        window.insert(0, ("…", False))
    if end < len(text):
        window.append(("…", False))
    return window
