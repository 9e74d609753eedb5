"""Reading a queue_log file in blocks gives exactly the lines of reading it whole (a byte order mark, Windows line
breaks cut between two blocks, a bad byte, a last line without its break), and its first and last lines are whole
lines only."""
from __future__ import annotations

import pytest

from processes.calls import file_lines
from processes.calls.file_lines import blocks_of_text, first_and_last_lines
from processes.calls.queue_log import text_lines

CONTENT = ("\ufeff" + "".join(f"{1764547200 + n}|{n}.1|okuyami|NONE|ENTERQUEUE||044{n:07d}|1\r\n" for n in range(300))
           + "1764550000|x|okuyami|山田|PAUSE|休憩\n").encode("utf-8") + b"1764550001|bad\xff|q|a|UNPAUSE"


def _whole(data: bytes) -> list[str]:
    return text_lines(data.decode("utf-8-sig", errors="replace"))


@pytest.mark.parametrize("block", [7, 64, 65, 1000, 1 << 20])
def test_blocks_give_the_lines_of_the_whole_file(tmp_path, monkeypatch, block):
    path = tmp_path / "queue_log"
    path.write_bytes(CONTENT)
    monkeypatch.setattr(file_lines, "BLOCK", block)
    lines = [line for part in blocks_of_text(path) for line in text_lines(part)]
    assert lines == _whole(path.read_bytes())
    assert lines[0].startswith("1764547200|0.1") and lines[-1].endswith("|UNPAUSE") and "\ufffd" in lines[-1]
    assert not any("\r" in line for line in lines)


@pytest.mark.parametrize("edge", [100, 1 << 16])
def test_the_first_and_last_lines_are_whole_lines(tmp_path, monkeypatch, edge):
    path = tmp_path / "queue_log"
    path.write_bytes(CONTENT)
    monkeypatch.setattr(file_lines, "EDGE", edge)
    first, last = first_and_last_lines(path)
    whole = _whole(CONTENT)
    assert first and last
    assert first == whole[:len(first)]
    assert last == whole[-len(last):]


def test_an_empty_file_has_no_lines(tmp_path):
    path = tmp_path / "queue_log"
    path.write_bytes(b"")
    assert list(blocks_of_text(path)) == [] and first_and_last_lines(path) == ([], [])
