"""The procedure catalogue: its content against DOMAIN.md and the specification, validation that lists every
problem at once, and deployed versions stored once per content hash (SQLite and PostgreSQL)."""
from __future__ import annotations

import copy
import hashlib
import re
from datetime import date

import pytest

from engine.errors import NotFound, OkuyamiError
from processes.okuyami.catalogue import (
    CATALOGUE_FILE,
    Procedure,
    load_catalogue,
    validate_catalogue_text,
)
from processes.okuyami.catalogue_validation import CatalogueError
from tests.catalogue_support import drop_a_required_field, dump, entry, name_an_unknown_department, repository_document
from tests.support import SHARED

WARDS = ("kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao")
WARD_OFFICES = {"kawasaki": "川崎区役所", "saiwai": "幸区役所", "nakahara": "中原区役所", "takatsu": "高津区役所",
                "miyamae": "宮前区役所", "tama": "多摩区役所", "asao": "麻生区役所"}
# The specification 5(3)① groups the procedures under these headings.
SPEC_CATEGORIES = {"JU": "戸籍住民", "KA": "介護保険", "KS": "高齢・障害等", "HN": "保険年金", "ZE": "税務",
                   "JI": "児童家庭", "HO": "保育", "EI": "衛生", "FU": "福祉"}


# ------------------------------------------------------------------------------------------- DOMAIN.md
def _domain_text() -> str:
    return (SHARED / "DOMAIN.md").read_text(encoding="utf-8")


def _expand(cell: str) -> list[str]:
    ids = []
    for part in (p.strip() for p in cell.split(",")):
        match = re.fullmatch(r"([A-Z]{2})(\d{2})–[A-Z]{2}(\d{2})", part)
        if match:
            prefix, first, last = match.group(1), int(match.group(2)), int(match.group(3))
            ids += [f"{prefix}{n:02d}" for n in range(first, last + 1)]
        else:
            ids.append(part)
    return ids


def domain_names() -> dict[str, str]:
    section = _domain_text().split("## The procedure catalogue", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"\| ([A-Z]{2}\d{2}) \| ([^|]+?) (?=\|)", section))


def domain_departments() -> dict[str, list[str]]:
    section = _domain_text().split("## Departments", 1)[1].split("\n## ", 1)[0]
    return {code: _expand(cell) for code, cell in re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+?) \|$", section, re.M)}


# ------------------------------------------------------------------------------------------- helpers
def refusal(document: dict) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text(dump(document))
    return caught.value


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ------------------------------------------------------------------------------------------- content
def test_domain_md_parses_into_50_procedures_and_8_departments():
    assert len(domain_names()) == 50
    assert sorted(domain_departments()) == sorted(
        ["kumin", "hoken_nenkin", "kourei_shogai", "jidou_katei", "hoiku", "eisei", "shizei", "genbaku"])
    assert sum(len(ids) for ids in domain_departments().values()) == 50


def test_every_procedure_of_domain_md_is_present_exactly_once_with_its_name(catalogue):
    raw_ids = [e["id"] for e in repository_document()["procedures"]]
    assert len(raw_ids) == len(set(raw_ids)) == 50
    names = domain_names()
    assert set(raw_ids) == set(names)
    assert {p.id: p.name for p in catalogue} == names


def test_every_field_of_every_procedure_is_filled(catalogue):
    assert catalogue.version.strip() and isinstance(catalogue.effective_from, date)
    for p in catalogue:
        for name in ("id", "name", "category", "department", "explanation", "url", "deadline", "handling"):
            assert isinstance(getattr(p, name), str) and getattr(p, name).strip(), (p.id, name)
        assert p.items_to_bring and all(item.strip() for item in p.items_to_bring), p.id
        assert set(p.counters) == set(WARDS) and all(v.strip() for v in p.counters.values()), p.id
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", form) for form in p.forms), p.id
        assert isinstance(p.effective_from, date), p.id
        assert p.effective_to is None or p.effective_to >= p.effective_from, p.id


def test_each_department_owns_the_procedures_domain_md_gives_it(catalogue):
    for code, ids in domain_departments().items():
        assert [p.id for p in catalogue.for_department(code)] == ids, code


def test_categories_are_the_groups_of_the_specification(catalogue):
    for p in catalogue:
        assert p.category == SPEC_CATEGORIES[p.id[:2]], p.id


def test_only_the_procedures_kawasaki_completes_at_the_corner_are_marked_corner(catalogue):
    corner = {p.id for p in catalogue if p.handling == "corner"}
    assert corner <= {"JU03", "JU05", "KA01"}
    assert corner == {"JU03", "JU05", "KA01"}
    assert all(p.handling in ("guided", "mailed") for p in catalogue if p.id not in corner)
    for procedure_id in corner:
        assert "おくやみコーナーで" in catalogue.require(procedure_id).explanation


def test_every_ward_has_a_counter_for_every_procedure_in_the_right_office(catalogue):
    for p in catalogue:
        for ward in WARDS:
            counter = p.counter_for(ward)
            if p.department != "shizei":
                assert counter.startswith(WARD_OFFICES[ward] + " "), (p.id, ward, counter)
    tax_office = {"kawasaki": "かわさき市税事務所", "saiwai": "かわさき市税事務所", "nakahara": "みぞのくち市税事務所",
                  "takatsu": "みぞのくち市税事務所", "miyamae": "みぞのくち市税事務所", "tama": "しんゆり市税事務所",
                  "asao": "しんゆり市税事務所"}
    for ward, office in tax_office.items():
        assert catalogue.require("ZE02").counter_for(ward).startswith(office), ward
    with pytest.raises(NotFound):
        catalogue.require("JU01").counter_for("shinjuku")


def test_counters_are_consistent_within_a_department_and_ward(catalogue):
    """One floor per department and ward office: the same department is never sent to two floors of one office."""
    for code in ("kumin", "hoken_nenkin", "kourei_shogai", "jidou_katei", "hoiku", "eisei", "genbaku"):
        for ward in WARDS:
            floors = {re.search(r" (\d+階) ", p.counter_for(ward)).group(1) for p in catalogue.for_department(code)}
            assert len(floors) == 1, (code, ward, floors)


@pytest.mark.parametrize("procedure_id, words", [
    ("JU03", "14日以内"), ("KA01", "14日以内"), ("HN01", "2年以内"), ("HN03", "2年以内"), ("KA04", "2年以内"),
    ("EI02", "10日以内"), ("JI03", "15日以内"),
])
def test_statutory_deadlines(catalogue, procedure_id, words):
    assert words in catalogue.require(procedure_id).deadline


@pytest.mark.parametrize("procedure_id, form", [
    ("JU03", "juminido_setainushi_henko"), ("JU02", "inkan_haishi"), ("HN01", "kokuho_sosaihi"),
    ("HN01", "kouki_sosaihi"), ("KA01", "kaigo_soshitsu"), ("HN03", "kogaku_ryoyohi"), ("ZE01", "keijidosha_haisha"),
    ("KS01", "shogaisha_techo_henkan"), ("KS02", "shogaisha_techo_henkan"), ("KS03", "shogaisha_techo_henkan"),
    ("JI01", "jidoteate_shometsu"), ("JI03", "jidoteate_shometsu"), ("HN01", "ininjo"), ("JU03", "ininjo"),
])
def test_form_templates_are_attached_where_they_apply(catalogue, procedure_id, form):
    assert form in catalogue.require(procedure_id).forms


def test_explanations_are_two_to_four_sentences_and_urls_are_distinct_city_pages(catalogue):
    for p in catalogue:
        assert 2 <= p.explanation.count("。") <= 4, p.id
        assert p.explanation.endswith("。"), p.id
        assert p.url.startswith("https://www.city.kawasaki.jp/"), p.id
    assert len({p.url for p in catalogue}) == 50


def test_funeral_benefit_tells_the_family_what_proves_the_funeral_host(catalogue):
    items = " ".join(catalogue.require("HN01").items_to_bring)
    assert "喪主がわかるもの" in items and "喪主の口座" in items and "本人確認書類" in items


def test_catalogue_order_is_the_specification_order_and_lookup_works(catalogue):
    assert list(catalogue.procedures)[:3] == ["JU01", "JU02", "JU03"]
    assert list(catalogue.procedures)[-1] == "FU03"
    assert catalogue.get("JU03").name == "世帯主変更"
    assert catalogue.get("XX01") is None and "XX01" not in catalogue
    with pytest.raises(NotFound) as caught:
        catalogue.require("XX01")
    assert "XX01" in caught.value.user_message
    with pytest.raises(NotFound):
        catalogue.for_department("somuka")
    with pytest.raises(TypeError):
        catalogue.procedures["JU01"] = None  # read-only


def test_load_is_cached_and_hashes_the_text(catalogue):
    assert load_catalogue() is catalogue
    assert load_catalogue(CATALOGUE_FILE) is catalogue
    assert catalogue.content_hash == hashlib.sha256(CATALOGUE_FILE.read_bytes()).hexdigest()
    crlf = validate_catalogue_text(CATALOGUE_FILE.read_text(encoding="utf-8").replace("\n", "\r\n"))
    assert crlf.content_hash == catalogue.content_hash
    edited = validate_catalogue_text(catalogue.text.replace('version: "2026-04"', 'version: "2026-05"'))
    assert edited.version == "2026-05" and edited.content_hash != catalogue.content_hash


def test_a_yaml_file_elsewhere_loads_and_reloads_when_it_changes(tmp_path, catalogue):
    path = tmp_path / "catalogue.yaml"
    path.write_text(catalogue.text, encoding="utf-8")
    first = load_catalogue(path)
    assert first.content_hash == catalogue.content_hash
    path.write_text(catalogue.text.replace('version: "2026-04"', 'version: "2026-10"') + "\n", encoding="utf-8")
    assert load_catalogue(path).version == "2026-10"


# ------------------------------------------------------------------------------------------- effective dates
def test_effective_on_filters_by_each_entry_s_dates():
    document = repository_document()
    entry(document, "JU04")["effective_to"] = "2026-09-30"
    entry(document, "KS11")["effective_from"] = "2026-10-01"
    catalogue = validate_catalogue_text(dump(document))

    def ids(day):
        return {p.id for p in catalogue.effective_on(day)}

    assert ids(date(2026, 3, 31)) == set()
    assert "JU04" in ids(date(2026, 9, 30)) and "KS11" not in ids(date(2026, 9, 30))
    assert "JU04" not in ids(date(2026, 10, 1)) and "KS11" in ids(date(2026, 10, 1))
    assert len(ids(date(2026, 9, 30))) == len(ids(date(2026, 10, 1))) == 49
    assert [p.id for p in catalogue.effective_on(date(2026, 10, 1))][:4] == ["JU01", "JU02", "JU03", "JU05"]
    assert "KS11" not in {p.id for p in catalogue.for_department("kourei_shogai", on=date(2026, 9, 30))}
    assert "KS11" in {p.id for p in catalogue.for_department("kourei_shogai", on=date(2026, 10, 1))}
    same_day = copy.deepcopy(document)
    entry(same_day, "JU04")["effective_to"] = entry(same_day, "JU04")["effective_from"]
    assert validate_catalogue_text(dump(same_day)).require("JU04").is_effective_on(date(2026, 4, 1))


# ------------------------------------------------------------------------------------------- refusals
def _unknown_id(d):
    entry(d, "JU01")["id"] = "ZZ01"


def _duplicate(d):
    entry(d, "JU02")["id"] = "JU01"


def _empty_field(d):
    entry(d, "KA02")["explanation"] = "   "


def _empty_items(d):
    entry(d, "KA03")["items_to_bring"] = []


def _bad_ward(d):
    counters = entry(d, "HN01")["counters"]
    counters["shinjuku"] = counters.pop("asao")


def _bad_category(d):
    entry(d, "KS01")["category"] = "障害福祉"


def _bad_handling(d):
    entry(d, "JU05")["handling"] = "counter"


def _ends_before_start(d):
    entry(d, "ZE01")["effective_to"] = "2026-03-31"


def _malformed_date(d):
    entry(d, "JI01")["effective_from"] = "2026-13-01"
    entry(d, "JI02")["effective_from"] = "2026/04/01"


def _malformed_url(d):
    entry(d, "HO01")["url"] = "http://www.city.kawasaki.jp/x.html"
    entry(d, "HO02")["url"] = "市のホームページ"


def _missing_procedures(d):
    d["procedures"] = [e for e in d["procedures"] if not e["id"].startswith("FU")]


def _misspelt_field(d):
    e = entry(d, "EI01")
    e["deadine"] = e.pop("deadline")


def _bad_form_name(d):
    entry(d, "JU02")["forms"] = ["印鑑登録廃止届"]


REFUSALS = [
    ("unknown id", _unknown_id, [("ZZ01", "id", "ZZ01"), ("JU01", "id", "JU01")]),
    ("duplicate id", _duplicate, [("JU01", "id", "重複"), ("JU02", "id", "JU02")]),
    ("missing field", drop_a_required_field, [("JU03", "deadline", "入力されていません")]),
    ("empty field", _empty_field, [("KA02", "explanation", "空欄")]),
    ("empty items", _empty_items, [("KA03", "items_to_bring", "1件以上")]),
    ("bad ward", _bad_ward, [("HN01", "counters", "shinjuku"), ("HN01", "counters", "asao")]),
    ("bad department", name_an_unknown_department, [("KA01", "department", "kaigo")]),
    ("bad category", _bad_category, [("KS01", "category", "障害福祉")]),
    ("bad handling", _bad_handling, [("JU05", "handling", "counter")]),
    ("effective_to before effective_from", _ends_before_start, [("ZE01", "effective_to", "2026-03-31")]),
    ("malformed dates", _malformed_date, [("JI01", "effective_from", "2026-13-01"),
                                          ("JI02", "effective_from", "2026/04/01")]),
    ("malformed urls", _malformed_url, [("HO01", "url", "http://"), ("HO02", "url", "市のホームページ")]),
    ("missing procedures", _missing_procedures, [("FU01", "id", "FU01"), ("FU02", "id", "FU02"),
                                                 ("FU03", "id", "FU03")]),
    ("misspelt field", _misspelt_field, [("EI01", "deadine", "不明な項目"), ("EI01", "deadline", "入力されていません")]),
    ("bad form name", _bad_form_name, [("JU02", "forms", "印鑑登録廃止届")]),
]


@pytest.mark.parametrize("mutate, expected", [(m, e) for _, m, e in REFUSALS], ids=[n for n, _, _ in REFUSALS])
def test_refusals_name_the_entry_and_field_in_japanese(mutate, expected):
    document = repository_document()
    mutate(document)
    error = refusal(document)
    assert isinstance(error, OkuyamiError)
    assert sorted((p.entry, p.field) for p in error.problems) == sorted((e, f) for e, f, _ in expected)
    for (procedure_id, field_name, words), problem in zip(sorted(expected), sorted(
            error.problems, key=lambda p: (p.entry, p.field, p.message))):
        assert procedure_id in problem.message and field_name in problem.message and words in problem.message
        assert problem.message in error.user_message
    assert error.user_message.startswith(f"手続カタログに{len(expected)}件の問題")


def test_every_problem_is_listed_at_once():
    document = repository_document()
    for _, mutate, _ in REFUSALS:
        if mutate not in (_unknown_id, _duplicate, _missing_procedures):  # these three change the ID set
            mutate(document)
    _missing_procedures(document)
    error = refusal(document)
    expected = [(e, f) for _, m, exp in REFUSALS if m not in (_unknown_id, _duplicate) for e, f, _ in exp]
    assert sorted((p.entry, p.field) for p in error.problems) == sorted(expected)
    assert len(error.user_message.splitlines()) == len(expected) + 1
    for procedure_id in {e for e, _ in expected}:
        assert procedure_id in error.user_message
    assert "EI01/deadine" in str(error)  # the English log line names them too


@pytest.mark.parametrize("text, words", [
    ("version: [unclosed\n", "YAML"),
    ("", "空"),
    ("- just\n- a list\n", "一番上"),
    ('version: "x"\neffective_from: 2026-04-01\nprocedures: []\n', "手続が1件もありません"),
    ('effective_from: 2026-04-01\nprocedures: []\n', "「版」(version)"),
    ('version: "x"\nprocedures: []\nextra: 1\n', "extra"),
])
def test_malformed_documents_are_refused_with_a_japanese_reason(text, words):
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text(text)
    assert words in caught.value.user_message


def test_catalogue_level_problems_are_listed_with_the_rest():
    document = repository_document()
    document["effective_from"] = "April"
    del document["version"]
    _bad_handling(document)
    error = refusal(document)
    assert sorted((p.entry or "", p.field) for p in error.problems) == [
        ("", "effective_from"), ("", "version"), ("JU05", "handling")]


def test_a_key_repeated_inside_an_entry_is_refused_not_silently_overwritten():
    text = CATALOGUE_FILE.read_text(encoding="utf-8").replace(
        '    handling: corner\n', '    handling: corner\n    handling: guided\n', 1)
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text(text)
    assert [p.field for p in caught.value.problems] == ["handling"]
    assert "重複" in caught.value.user_message


def test_uploads_are_size_limited_utf8_and_safely_loaded():
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text("#" * 2_000_000)
    assert "大きすぎます" in caught.value.user_message
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text(CATALOGUE_FILE.read_text(encoding="utf-8").encode("shift_jis", "replace"))
    assert "UTF-8" in caught.value.user_message
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue_text('version: !!python/object/apply:os.system ["true"]\n')
    assert "YAML" in caught.value.user_message


def test_catalogue_error_is_an_okuyami_error_with_japanese_user_message():
    error = CatalogueError([])
    assert isinstance(error, OkuyamiError)
    assert "手続カタログ" in error.user_message
    assert isinstance(load_catalogue().require("JU01"), Procedure)
