"""An answer is plain text: blank lines separate paragraphs, and http(s) addresses become links. Pages render
the pieces through the template engine's escaping, so nothing an editor types reaches a page as HTML. (Pure: the
public FAQ uses it too.)"""
from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s<>\"'（）「」、。]+")


def paragraphs(text: str) -> list[list[list[tuple[str, str]]]]:
    """Paragraphs → lines → pieces, each ("text", words) or ("link", address)."""
    found = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = []
        for line in block.split("\n"):
            pieces, position = [], 0
            for match in _URL.finditer(line):
                if match.start() > position:
                    pieces.append(("text", line[position:match.start()]))
                pieces.append(("link", match.group(0)))
                position = match.end()
            if position < len(line):
                pieces.append(("text", line[position:]))
            lines.append(pieces)
        if any(lines):
            found.append(lines)
    return found
