"""CSV files that Excel opens as text: UTF-8 with a BOM, RFC 4180 quoting, CRLF, formulas defused."""
import csv
import io

from processes.csv_export import write_csv


def test_a_csv_opens_in_excel_as_the_text_that_was_written():
    body = write_csv([["=1+1", "+81", "-5", "@SUM(A1)", "\tTAB", "\rCR", 'a "quoted", cell', "川崎 一郎", 7, None]],
                     ["式", "電話"])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body[3:].decode("utf-8")
    assert text.startswith("式,電話\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["'=1+1", "'+81", "'-5", "'@SUM(A1)", "'\tTAB", "'\rCR", 'a "quoted", cell', "川崎 一郎",
                       "7", ""]
    assert '"a ""quoted"", cell"' in text
