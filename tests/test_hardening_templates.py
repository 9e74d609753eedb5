"""Issue #13, 2: form templates render under a bound (time, memory, output size): the upload refuses a template
that breaks it when rendering a case of 50 procedures, and the packet job survives one (that case's packet
fails with a Japanese reason, the others are made)."""
from __future__ import annotations

import pytest

from engine.documents import bounded
from engine.documents.errors import TemplateRejected
from engine.documents.rendering import render_docx
from processes.documents.jobs import refresh_packets
from processes.documents.models import FormTemplateVersion
from processes.documents.packets import packet_view
from processes.documents.templates import content_hash, upload_template, validation_context
from tests.case_support import book, precheck_everything
from tests.document_support import docx_with
from tests.packet_support import RecordingPool

NESTED = ("{% for a in procedures %}{% for b in procedures %}{% for c in procedures %}{% for d in procedures %}"
          "{% for e in procedures %}{% for f in procedures %}{{ f.name }}"
          "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}")


@pytest.fixture
def short_bound(monkeypatch):
    monkeypatch.setattr(bounded, "RENDER_SECONDS", 1.5)


def test_repeating_a_field_a_million_times_is_refused_at_once():
    with pytest.raises(TemplateRejected) as refused:
        render_docx(docx_with("{{ deceased.name * 1000000 }}"), validation_context())

    assert any("繰り返し" in problem for problem in refused.value.problems)


def test_six_nested_loops_over_50_procedures_stop_at_the_bound(short_bound):
    context = validation_context()
    assert len(context["procedures"]) == 50

    with pytest.raises(TemplateRejected) as refused:
        render_docx(docx_with(NESTED), context)

    assert any("秒以内に終わりませんでした" in p or "メモリ" in p or "大きすぎ" in p for p in refused.value.problems)
    assert "見本 太郎" in _text(render_docx(docx_with("{{ deceased.name }}"), context))   # the next one renders


def _text(document: bytes) -> str:
    from tests.packet_support import docx_text
    return docx_text(document)


@pytest.mark.parametrize("source", ["{{ deceased.name * 100000000 }}", NESTED])
def test_the_upload_refuses_a_template_that_breaks_the_bound_and_stores_nothing(database, short_bound, source):
    with database.transaction() as session, pytest.raises(TemplateRejected):
        upload_template(session, "guidance", docx_with(source), "po")

    with database.transaction(write=False) as session:
        assert session.query(FormTemplateVersion).count() == 0


def test_the_packet_job_survives_a_template_that_breaks_the_bound(case_runtime, database, short_bound):
    ordinary, breaker = book(case_runtime), book(case_runtime)
    for case in (ordinary, breaker):
        precheck_everything(case_runtime, case)
    # a case lists its own few procedures (8 here, not the upload check's 50): two more loops keep it past the bound
    deeper = "{% for g in procedures %}{% for h in procedures %}" + NESTED + "{% endfor %}{% endfor %}"
    breaking = docx_with(f"{{% if case.number == '{breaker.id}' %}}" + deeper + "{% endif %}{{ deceased.name }}")
    with database.transaction() as session:   # stored as an older release would have let it in
        session.add(FormTemplateVersion(name="guidance", version=1, content_hash=content_hash(breaking),
                                        content=breaking, fields=["deceased.name"], uploaded_by="po", comment=""))

    assert refresh_packets(database, case_runtime, RecordingPool()) == 1

    assert packet_view(database, case_runtime, ordinary.id).state == "ready"
    failed = packet_view(database, case_runtime, breaker.id)
    assert failed.state == "failed" and "テンプレート" in failed.error
