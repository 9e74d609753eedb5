"""The form templates: every form the catalogue names exists and uses only known fields; rendering is sandboxed
and escaped; uploaded versions are validated, and earlier versions stay for the cases that used them."""
import io

import pytest
from docx import Document
from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.documents.errors import TemplateRejected
from engine.documents.rendering import render_docx, template_fields
from processes.documents.models import FormTemplateVersion
from processes.documents.templates import (
    GUIDANCE,
    TEMPLATES_DIR,
    content_hash,
    current_template,
    pinned_template,
    repository_template,
    sample_context,
    upload_template,
    validate_template,
)
from processes.okuyami.catalogue import load_catalogue
from tests.document_support import docx_with

ISSUE_FORMS = {"juminido_setainushi_henko", "inkan_haishi", "kokuho_sosaihi", "kouki_sosaihi", "kaigo_soshitsu",
               "kogaku_ryoyohi", "kotei_shisanzei_sozokunin", "keijidosha_haisha", "shogaisha_techo_henkan",
               "jidoteate_shometsu", "ininjo"}


def sample_values(context: dict, field: str) -> list:
    """The values a field path (`deceased.name`, `procedures[].name`) takes in a rendering context."""
    values = [context]
    for part in field.split("."):
        name = part.removesuffix("[]")
        values = [value.get(name) if isinstance(value, dict) else getattr(value, name, None) for value in values]
        if part.endswith("[]"):
            values = [item for value in values for item in (value or [])]
    return values


def text_of(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_form_the_catalogue_names_and_every_form_of_the_issue_has_a_template():
    named = {form for procedure in load_catalogue() for form in procedure.forms}
    assert ISSUE_FORMS <= named
    missing = [name for name in named | {GUIDANCE} if repository_template(name) is None]
    assert missing == []


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.docx")), ids=lambda p: p.stem)
def test_each_repository_template_uses_only_known_fields_and_renders_the_sample_case(path):
    fields = validate_template(path.read_bytes())
    assert "case.number" in fields
    context = sample_context()
    text = text_of(render_docx(path.read_bytes(), context))
    assert "None" not in text and "{{" not in text and "{%" not in text
    printed = "".join(text.split())
    # every field the template uses shows the sample case's value (dates.blank only stands in for a missing date)
    unfilled = {(field, value) for field in fields if field != "dates.blank" for value in sample_values(context, field)
                if isinstance(value, str) and value.strip() and "".join(value.split()) not in printed}
    assert unfilled == set()


def test_a_template_asking_for_an_unknown_field_is_refused_with_the_field_named():
    template = docx_with("{{ deceased.name }}", "{{ deceased.nickname }}", "{% for p in procedures %}{{ p.colour }}{% endfor %}")
    assert template_fields(template) == {"deceased.name", "deceased.nickname", "procedures", "procedures[].colour"}
    with pytest.raises(TemplateRejected) as refused:
        validate_template(template)
    assert len(refused.value.problems) == 2
    assert "deceased.nickname" in refused.value.problems[0] and "procedures[].colour" in refused.value.problems[1]


@pytest.mark.parametrize("expression", ["{{ ''.__class__.__mro__ }}", "{{ lipsum.__globals__ }}",
                                        "{{ cycler.__init__.__globals__.os }}"])
def test_a_template_cannot_reach_python_internals(expression):
    with pytest.raises(TemplateRejected) as refused:
        render_docx(docx_with(expression), sample_context())
    assert "使用できない記述" in refused.value.user_message


def test_ampersands_and_angle_brackets_in_the_data_do_not_corrupt_the_document():
    context = sample_context()
    context["deceased"] = {**context["deceased"], "name": 'A & B <C> "D"', "address": "</w:t></w:r><w:r>"}
    rendered = render_docx(docx_with("{{ deceased.name }}", "{{ deceased.address }}"), context)
    text = text_of(rendered)     # parses as a valid document
    assert 'A & B <C> "D"' in text and "</w:t></w:r><w:r>" in text


def test_a_broken_file_is_refused_in_japanese():
    with pytest.raises(TemplateRejected) as refused:
        validate_template(b"not a zip")
    assert "Word 形式" in refused.value.user_message


def test_uploaded_versions_replace_the_repository_template_and_earlier_versions_stay(database):
    first = docx_with("第1版 {{ deceased.name }}")
    second = docx_with("第2版 {{ deceased.name }} {{ dates.death }}")
    repository = repository_template("ininjo")
    with database.transaction() as session:
        assert current_template(session, "ininjo").content_hash == repository.content_hash
        v1 = upload_template(session, "ininjo", first, "po", "first")
        v2 = upload_template(session, "ininjo", second, "po", "second")
        again = upload_template(session, "ininjo", second, "po", "same content")
    assert (v1.version, v2.version, again.version) == (1, 2, 2)
    with database.transaction(write=False) as session:
        assert current_template(session, "ininjo").label == "第2版"
        # a case whose packet used version 1 (or the repository file) keeps it
        assert pinned_template(session, "ininjo", content_hash(first)).content == first
        assert pinned_template(session, "ininjo", repository.content_hash).content == repository.content
        assert pinned_template(session, "ininjo", "0" * 64).label == "第2版"
        uploads = session.scalars(select(AuditEntry).where(AuditEntry.action == "form_template.uploaded")).all()
    assert [u.detail["version"] for u in uploads] == [1, 2]


def test_a_refused_upload_stores_nothing(database):
    with pytest.raises(TemplateRejected):
        with database.transaction() as session:
            upload_template(session, "ininjo", docx_with("{{ deceased.shoe_size }}"), "po")
    with pytest.raises(TemplateRejected):
        with database.transaction() as session:
            upload_template(session, "Bad Name", docx_with("{{ deceased.name }}"), "po")
    with database.transaction(write=False) as session:
        assert session.scalars(select(FormTemplateVersion)).all() == []
