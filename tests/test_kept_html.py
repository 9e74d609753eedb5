"""The worklist's kept HTML (web/staff/kept_html.py): bounded, the least recently used entry goes first."""
from web.staff.kept_html import KeptHtml


def test_the_least_recently_read_entry_is_the_one_dropped_when_full():
    kept = KeptHtml(capacity=2)
    kept.keep(("a",), "<p>a</p>")
    kept.keep(("b",), "<p>b</p>")
    assert kept.get(("a",)) == "<p>a</p>"        # read: "b" is now the least recently used
    kept.keep(("c",), "<p>c</p>")
    assert kept.get(("b",)) is None
    assert kept.get(("a",)) == "<p>a</p>" and kept.get(("c",)) == "<p>c</p>"


def test_keeping_a_key_again_replaces_its_html():
    kept = KeptHtml(capacity=2)
    kept.keep(("a",), "old")
    kept.keep(("a",), "new")
    assert kept.get(("a",)) == "new"
