"""`okuyami forms ...` as a process owner uses it: check template files, upload a new version (refused with
reasons when a field is unknown), list the templates with the version in use, list the fields."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from processes.documents.templates import TEMPLATES_DIR
from tests.document_support import docx_with
from web.cli import main


@pytest.fixture
def okuyami(instance_dir):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False)
    return run


def test_validate_reports_every_unknown_field_and_accepts_the_repository_templates(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(docx_with("{{ deceased.name }}", "{{ deceased.blood_type }}"))
    refused = runner.invoke(main, ["forms", "validate", str(bad)])
    assert refused.exit_code == 1 and "deceased.blood_type" in refused.output
    accepted = runner.invoke(main, ["forms", "validate", *map(str, sorted(TEMPLATES_DIR.glob("*.docx")))])
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.count("問題はありません") == len(list(TEMPLATES_DIR.glob("*.docx")))


def test_upload_adds_a_version_and_list_shows_it_in_use(okuyami, tmp_path):
    good = tmp_path / "ininjo.docx"
    good.write_bytes(docx_with("委任状 {{ applicant.name }}"))
    uploaded = okuyami("forms", "upload", "ininjo", str(good), "--comment", "様式の改正")
    assert uploaded.exit_code == 0 and "第1版" in uploaded.output
    bad = tmp_path / "bad.docx"
    bad.write_bytes(docx_with("{{ applicant.shoe_size }}"))
    refused = okuyami("forms", "upload", "ininjo", str(bad))
    assert refused.exit_code == 1 and "applicant.shoe_size" in refused.output
    listing = okuyami("forms", "list").output
    ininjo = next(line for line in listing.splitlines() if line.startswith("ininjo"))
    assert "第1版" in ininjo
    kokuho = next(line for line in listing.splitlines() if line.startswith("kokuho_sosaihi"))
    assert "リポジトリ版" in kokuho


def test_fields_lists_each_field_with_its_japanese_label():
    output = CliRunner().invoke(main, ["forms", "fields"]).output
    assert "deceased.name" in output and "亡くなられた方の氏名" in output and "dates.death" in output
