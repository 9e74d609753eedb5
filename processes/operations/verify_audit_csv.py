"""Check an audit CSV exported from /audit.csv without the system: `python verify_audit_csv.py [--each] FILE
[PREVIOUS]`.

`--each` checks each row on its own (an export filtered by person, case or action skips the rows between).
Uses nothing but Python's standard library, so an auditor can copy this one file. For every row: the SHA-256 of
the 検証用データ cell is the row's この記録のハッシュ, and the 前の記録のハッシュ inside that data is the column's.
Between rows (an export of a whole period, unfiltered, is in chain order): each row's previous hash is the hash of
the row before it. PREVIOUS, when given, is the last hash of the period before (the first row must follow it).
Prints the first broken row and exits 1, or prints how many rows were checked."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys

NUMBER, PREVIOUS, HASH, DATA = "記録番号", "前の記録のハッシュ", "この記録のハッシュ", "検証用データ"


def check(text: str, previous: str | None = None, contiguous: bool = True) -> tuple[int, str | None]:
    """(rows checked, the first problem in words or None)."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    for checked, row in enumerate(rows):
        data = row[DATA]
        if hashlib.sha256(data.encode("utf-8")).hexdigest() != row[HASH]:
            return checked, f"記録番号{row[NUMBER]}: 内容がハッシュと一致しません"
        if json.loads(data).get("previous") != row[PREVIOUS]:
            return checked, f"記録番号{row[NUMBER]}: 前の記録のハッシュが検証用データと一致しません"
        if contiguous and previous is not None and row[PREVIOUS] != previous:
            return checked, f"記録番号{row[NUMBER]}: 前の記録とのつながりが一致しません（削除か挿入があります）"
        previous = row[HASH]
    return len(rows), None


def main(argv: list[str]) -> int:
    each = "--each" in argv
    args = [a for a in argv[1:] if a != "--each"]
    with open(args[0], encoding="utf-8-sig", newline="") as handle:
        checked, problem = check(handle.read(), args[1] if len(args) > 1 else None, contiguous=not each)
    if problem:
        print(problem)
        return 1
    print(f"{checked}件の記録のハッシュとつながりを確認しました。")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
