"""Only the forms that fit the family: a catalogue entry's form_conditions (data a process owner edits) choose the
葬祭費 and 高額療養費 forms by the health insurance answered at booking; a bad condition is refused in Japanese."""
import pytest

from processes.documents.packet_content import forms_for
from processes.okuyami.catalogue import CATALOGUE_FILE, load_catalogue, validate_catalogue_text
from processes.okuyami.catalogue_validation import CatalogueError


def packet_forms(insurance: str | None) -> list[str]:
    answers = {} if insurance is None else {"health_insurance": insurance}
    data = {"answers": answers, "procedures": [{"id": "HN01"}, {"id": "HN03"}, {"id": "JU03"}]}
    return forms_for(data, load_catalogue())


@pytest.mark.parametrize("insurance, forms", [
    ("kokuho", ["kokuho_sosaihi", "ininjo", "kogaku_ryoyohi", "juminido_setainushi_henko"]),
    ("kouki", ["kouki_sosaihi", "ininjo", "juminido_setainushi_henko"]),
    ("employee", ["ininjo", "juminido_setainushi_henko"]),
    # not known yet (わからない or not asked): both 葬祭費 forms, the counter uses the one that fits
    ("unknown", ["kokuho_sosaihi", "kouki_sosaihi", "ininjo", "kogaku_ryoyohi", "juminido_setainushi_henko"]),
    (None, ["kokuho_sosaihi", "kouki_sosaihi", "ininjo", "kogaku_ryoyohi", "juminido_setainushi_henko"]),
])
def test_the_packet_holds_the_forms_of_the_familys_insurance(insurance, forms):
    assert packet_forms(insurance) == forms


def test_a_dropped_procedure_brings_no_form():
    data = {"answers": {"health_insurance": "kokuho"},
            "procedures": [{"id": "HN01", "status": "dropped"}, {"id": "HN03"}]}
    assert forms_for(data, load_catalogue()) == ["kogaku_ryoyohi", "ininjo"]


def with_conditions(conditions: str) -> str:
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    old = "      kokuho_sosaihi: {health_insurance: [kokuho, unknown]}\n"
    assert old in text
    return text.replace(old, conditions)


@pytest.mark.parametrize("conditions, message", [
    ("      kokuho_sosaihi: {insurance_kind: [kokuho]}\n", "様式「kokuho_sosaihi」の条件の「insurance_kind」は問診の質問にありません。"),
    ("      kokuho_sosaihi: {health_insurance: kokuho}\n",
     "様式「kokuho_sosaihi」の条件「health_insurance」には、当てはまる回答を1つ以上の一覧で書いてください。"),
    ("      kokuho_sosaihi: {health_insurance: [kokuho]}\n      guidance: {health_insurance: [kokuho]}\n",
     "様式「guidance」はこの手続の様式（forms）にありません。"),
])
def test_a_condition_that_cannot_work_is_refused_naming_the_form(conditions, message):
    with pytest.raises(CatalogueError) as refused:
        validate_catalogue_text(with_conditions(conditions))
    assert [(p.entry, p.message) for p in refused.value.problems if p.field == "form_conditions"] == [
        ("HN01", f"手続 HN01 の「様式の条件」(form_conditions): {message}")]
