"""Each demo family's forms filled with the right person: the deceased, the applicant, the 喪主 and the new
householder are different people at different addresses (one family excepted), so a box filled from the wrong
person fails here. The 葬祭費 is applied for by the 喪主; the 委任状's agent birth date carries no era that cannot
be right."""
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from engine.documents.rendering import render_docx
from processes.calendar.slots import JST
from processes.demo.cases import FAMILIES, _reservation, family_people
from processes.documents.fields import form_context
from processes.documents.japanese import wareki
from processes.documents.packet_content import forms_for
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.guidance import guidance_sheet

TEMPLATES = Path(__file__).resolve().parent.parent / "forms" / "templates"
DIED = date(2026, 11, 20)
SLOT = datetime(2026, 12, 3, 10, 30, tzinfo=JST)


def sections(docx: bytes) -> dict[str, dict[str, str]]:
    """{section title: {label: value}} of a filled form, read in document order."""
    document = Document(io.BytesIO(docx))
    found, title = {}, ""
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            text = Paragraph(element, document).text.strip()
            if text.startswith("■ "):
                title = text.removeprefix("■ ")
        elif element.tag.endswith("}tbl"):
            pairs = found.setdefault(title, {})
            for row in Table(element, document).rows:
                cells = [c.text.strip() for c in row.cells]
                for label, value in zip(cells[0::2], cells[1::2]):
                    pairs.setdefault(label, value)
    return found


def filled(name: str, key: str) -> dict[str, dict[str, str]]:
    data = _reservation(key, SLOT, DIED)
    context = form_context(data, guidance_sheet(1, data), date(2026, 12, 3))
    return sections(render_docx((TEMPLATES / f"{name}.docx").read_bytes(), context))


def person_boxes(person: dict) -> dict[str, str]:
    return {"氏名": person["name"], "フリガナ": person["kana"], "住所": person["address"]}


def assert_person(section: dict[str, str], person: dict) -> None:
    for label, value in person_boxes(person).items():
        assert section[label] == value, (label, section[label], value)


def test_the_demo_families_are_different_people_at_different_addresses_but_one():
    shared = []
    for key in FAMILIES:
        people = family_people(key)
        names = {role: p["name"] for role, p in people.items()}
        addresses = {role: p["address"] for role, p in people.items()}
        if len(set(names.values())) == 4 and len(set(addresses.values())) == 4:
            continue
        shared.append(key)
        assert names["applicant"] == names["funeral_host"] == names["new_householder"] != names["deceased"]
    assert shared == ["ready_for_visit"]


@pytest.mark.parametrize("key", list(FAMILIES))
def test_each_demo_familys_forms_are_filled_with_the_right_person(key):
    people = family_people(key)
    deceased, applicant, host, householder = (people[k] for k in ("deceased", "applicant", "funeral_host",
                                                                  "new_householder"))
    relationship = FAMILIES[key]["relationship"]

    for name in ("kokuho_sosaihi", "kouki_sosaihi"):
        form = filled(name, key)
        assert_person(form["亡くなられた方（被保険者）"], deceased)
        assert form["亡くなられた方（被保険者）"]["生年月日"] == wareki(deceased["birth_date"])
        payee = form["申請者（喪主）・振込先"]
        assert_person(payee, host)                                      # paid to the 喪主, not the applicant
        same = host["name"] == applicant["name"]
        assert payee["電話番号"] == (applicant["phone"] if same else "")
        assert payee["続柄"] == (relationship if same else "")
        assert_person(form["窓口に来られた方（申請者と異なるとき）"], applicant)

    moving = filled("juminido_setainushi_henko", key)
    change = moving["異動の内容"]
    assert change["世帯の住所"] == deceased["address"]
    assert change["旧世帯主"].startswith(deceased["name"])
    assert (change["新世帯主 氏名"], change["新世帯主 フリガナ"], change["新世帯主の住所"]) == (
        householder["name"], householder["kana"], householder["address"])
    assert_person(moving["届出人"], applicant)

    refund = filled("kogaku_ryoyohi", key)                             # the applicant is the representative heir
    assert_person(refund["亡くなられた方（被保険者）"], deceased)
    assert_person(refund["相続人代表者（申請者）"], applicant)

    data = {**_reservation(key, SLOT, DIED), "procedures": [{"id": "HN01"}]}
    insurance = data["answers"]["health_insurance"]
    expected = {"kokuho": ["kokuho_sosaihi"], "kouki": ["kouki_sosaihi"],
                "unknown": ["kokuho_sosaihi", "kouki_sosaihi"]}[insurance]
    assert forms_for(data, load_catalogue()) == [*expected, "ininjo"]    # the 葬祭費 form of their insurance

    proxy = filled("ininjo", key)
    agent = proxy["代理人（窓口に来られる方）"]
    assert agent["氏名"] == "" and agent["生年月日"] == "昭和・平成　　年　　月　　日"   # no 令和 for an adult
    assert proxy["委任者"]["フリガナ"] == applicant["kana"]
    assert proxy["委任者"]["生年月日"] == wareki(applicant["birth_date"])


def test_without_a_known_funeral_host_the_payee_boxes_stay_empty_for_the_counter():
    data = _reservation("awaiting_precheck", SLOT, DIED)
    del data["funeral_host"]
    context = form_context(data, guidance_sheet(1, data), date(2026, 12, 3))
    assert context["payee"] == {"name": "", "kana": "", "kana_hiragana": "", "address": "", "phone": "",
                                "relationship": ""}
