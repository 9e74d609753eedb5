"""A queue_log file as the importer reads it: in blocks of whole lines of about a quarter of a megabyte, so that the
first calls are folded and stored while the rest of the file is still being read, and its first and last lines
alone, for the moments the file spans. Decoded as UTF-8 (a byte order mark dropped, a bad byte replaced)."""
from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from processes.calls.queue_log import text_lines

BLOCK = 1 << 18
EDGE = 1 << 16
"""Bytes read at each end of the file for its first and last lines."""


def blocks_of_text(path: Path) -> Iterator[str]:
    """The file's text in blocks that end with a line break (the last one perhaps without)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    rest = ""
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            text = rest + decoder.decode(block)
            cut = text.rfind("\n") + 1
            rest = text[cut:]
            if cut:
                yield text[:cut]
    text = rest + decoder.decode(b"", final=True)
    if text:
        yield text


def first_and_last_lines(path: Path) -> tuple[list[str], list[str]]:
    """Whole lines from the start and from the end of the file (a line cut by the EDGE is left out)."""
    with open(path, "rb") as handle:
        start = handle.read(EDGE)
        size = handle.seek(0, 2)
        handle.seek(max(0, size - EDGE))
        end = handle.read(EDGE)
    first = text_lines(start.decode("utf-8-sig", errors="replace"))
    if size > EDGE and not start.endswith(b"\n"):
        first = first[:-1]
    last = text_lines(end.decode("utf-8" if size > EDGE else "utf-8-sig", errors="replace"))
    if size > EDGE:
        last = last[1:]
    return first, last
