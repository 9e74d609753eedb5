"""The print packet as the counter and integrations get it: GET /api/v1/cases/{id}/packet.pdf (409 with
Retry-After while it is being made, the PDF once ready, every download audited, the case's permissions), the
visit screen's progress fragment and download, and the template upload page of process owners."""
import io

import pytest
from docx import Document
from sqlalchemy import select

from engine.db.models import AuditEntry
from processes.documents import jobs
from tests.case_support import precheck_everything
from tests.packet_support import RecordingPool, missing_libreoffice_pool
from tests.page_support import new_case, page_csrf, text_of


@pytest.fixture
def converter(monkeypatch):
    pool = RecordingPool()
    monkeypatch.setattr(jobs.requests, "pool_factory", lambda: pool)
    yield pool
    jobs.requests.wait(60)


@pytest.fixture
def case_at_visit(api_app):
    case_id = new_case(api_app)
    runtime = api_app.extensions["okuyami"].runtime
    precheck_everything(runtime, runtime.get_instance(case_id))
    return case_id


def _csrf(client) -> dict:
    """The header htmx sends with the page's token (base.html hx-headers)."""
    return {"X-CSRFToken": page_csrf(client, "/notifications")}


def downloads(database, case_id):
    with database.transaction(write=False) as session:
        return [(e.actor, e.detail["kind"]) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "packet.downloaded", AuditEntry.instance_id == case_id))]


def test_the_api_answers_409_with_retry_after_until_the_packet_is_ready_then_the_pdf(api, converter, case_at_visit,
                                                                                     database):
    first = api.get(f"/cases/{case_at_visit}/packet.pdf", "counter_naka")
    assert first.status_code == 409
    assert int(first.headers["Retry-After"]) > 0
    assert "作成中" in first.get_json()["error"]["message"]
    asked = api.post(f"/cases/{case_at_visit}/packet", "counter_naka")   # a GET only reads (issue #13, 6)
    assert asked.status_code == 202 and asked.get_json()["queued"] is True
    jobs.requests.wait(60)

    ready = api.get(f"/cases/{case_at_visit}/packet.pdf", "counter_naka")
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert ready.data.startswith(b"%PDF")
    assert ready.headers["Cache-Control"] == "no-store"
    assert downloads(database, case_at_visit) == [("counter_naka", "pdf")]


def test_the_packet_has_the_permissions_of_the_case_with_its_personal_data(api, converter, case_at_visit):
    path = f"/cases/{case_at_visit}/packet.pdf"
    assert api.get(path, None).status_code == 401
    assert api.get(path, "counter_tama").status_code == 404          # another ward's case does not exist for them
    assert api.get(path, "kumin_tama").status_code == 404
    refused = api.get(path, "kumin_naka")                              # reads the case, but not personal data
    assert refused.status_code == 403 and "個人情報" in refused.get_json()["error"]["message"]
    for user in ("po", "admin", "auditor"):                          # as for a case that does not exist
        assert api.get(path, user).status_code == 404
    assert api.get("/cases/999999/packet.pdf", "op").status_code == 404
    assert api.get(path, "op").status_code == 409                      # operators and supervisors read it too


def test_without_libreoffice_the_api_says_why_there_is_no_pdf(api, monkeypatch, case_at_visit):
    monkeypatch.setattr(jobs.requests, "pool_factory", missing_libreoffice_pool)
    assert api.get(f"/cases/{case_at_visit}/packet.pdf", "counter_naka").status_code == 409
    assert api.post(f"/cases/{case_at_visit}/packet", "counter_naka").status_code == 202
    jobs.requests.wait(60)
    answer = api.get(f"/cases/{case_at_visit}/packet.pdf", "counter_naka")
    assert answer.status_code == 503
    assert "LibreOffice" in answer.get_json()["error"]["message"]


def test_the_visit_screen_shows_progress_then_offers_the_download(browsers, converter, case_at_visit, database):
    counter = browsers["counter_naka"]
    status = counter.post(f"/cases/{case_at_visit}/packet/request", headers=_csrf(counter))
    assert status.status_code == 200 and "帳票" in text_of(status)
    jobs.requests.wait(60)
    ready = text_of(counter.get(f"/cases/{case_at_visit}/packet/status"))
    assert "準備ができました" in ready
    pdf = counter.get(f"/cases/{case_at_visit}/packet.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert downloads(database, case_at_visit) == [("counter_naka", "pdf")]
    assert browsers["kumin_naka"].get(f"/cases/{case_at_visit}/packet.pdf").status_code == 403
    assert browsers["counter_tama"].get(f"/cases/{case_at_visit}/packet/status").status_code == 404


def test_without_libreoffice_the_visit_screen_explains_and_offers_the_docx(browsers, monkeypatch, case_at_visit):
    monkeypatch.setattr(jobs.requests, "pool_factory", missing_libreoffice_pool)
    counter = browsers["counter_naka"]
    counter.post(f"/cases/{case_at_visit}/packet/request", headers=_csrf(counter))
    jobs.requests.wait(60)
    page = text_of(counter.get(f"/cases/{case_at_visit}/packet/status"))
    assert "LibreOffice" in page and "インストールされていない" in page
    assert f"/cases/{case_at_visit}/packet.zip" in page
    archive = counter.get(f"/cases/{case_at_visit}/packet.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"


def _docx(*paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_process_owner_uploads_a_template_version_and_a_bad_one_is_refused_with_reasons(browsers):
    owner = browsers["po"]
    page = owner.get("/forms/templates/")
    assert page.status_code == 200 and "kokuho_sosaihi" in text_of(page) and "deceased.name" in text_of(page)
    token = page_csrf(owner, "/forms/templates/")
    good = owner.post("/forms/templates/", data={
        "csrf_token": token, "name": "ininjo", "comment": "文言の修正",
        "file": (io.BytesIO(_docx("委任状 {{ applicant.name }} {{ dates.blank }}")), "ininjo.docx")})
    assert good.status_code == 302
    assert "第1版" in text_of(owner.get("/forms/templates/"))
    assert owner.get("/forms/templates/ininjo/1.docx").status_code == 200

    bad = owner.post("/forms/templates/", data={
        "csrf_token": token, "name": "ininjo",
        "file": (io.BytesIO(_docx("{{ deceased.favourite_colour }}")), "ininjo.docx")})
    assert bad.status_code == 422 and "deceased.favourite_colour" in text_of(bad)
    assert "第2版" not in text_of(owner.get("/forms/templates/"))
    assert browsers["counter_naka"].get("/forms/templates/").status_code == 403
