"""The handover to the next contractor (`okuyami handover export` / `verify`) from the demo city: it verifies, its
cases.csv has the open cases the worklists show, no family's name is in a plain file, a changed file fails the check,
and the receiving side's private key opens the personal data."""
from __future__ import annotations

import base64
import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from engine.db.models import ProcessInstance
from engine.settings import load_settings
from processes.demo.cases import FAMILIES
from processes.demo.city import ensure_demo_instance, seed_demo
from processes.handover.sealed import ARCHIVE_NAME, new_key_pair, open_sealed
from processes.okuyami.cases import CASE_PROCESS
from processes.platform import build_platform
from processes.tasks.queries import TaskFilters, find_task_rows
from processes.tasks.worklists import scope_for
from web.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The demo city on SQLite in its own instance folder, seeded once, with a handover export made for a key."""
    folder = tmp_path_factory.mktemp("handover")
    instance = folder / "instance"
    ensure_demo_instance(instance)
    platform = build_platform(load_settings(instance, environ={}), require_current_schema=False)
    seed_demo(platform)
    runner = CliRunner(env={"OKUYAMI_DATABASE_URL": None, "OKUYAMI_INSTANCE_PATH": None})

    def okuyami(*args):
        return runner.invoke(main, ["--instance", str(instance), *args], catch_exceptions=False)
    made = okuyami("handover", "keygen", "--out", str(folder / "recipient"))   # what the receiving side runs
    assert made.exit_code == 0 and "公開鍵" in made.stdout
    private = (folder / "recipient").read_text(encoding="utf-8").strip()
    exported = okuyami("handover", "export", "--out", str(folder / "out"), "--recipient-key",
                       str(folder / "recipient.pub"))
    assert exported.exit_code == 0, exported.output
    yield {"platform": platform, "folder": folder, "out": folder / "out", "private": private, "run": okuyami,
           "exported": exported}
    platform.database.dispose()


def _csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_the_demo_city_export_verifies_and_reports_in_japanese(city):
    assert "案件 14件" in city["exported"].stdout and "封印アーカイブ" in city["exported"].stdout
    assert (city["out"] / "cases.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    checked = city["run"]("handover", "verify", str(city["out"]))
    assert checked.exit_code == 0 and "目録（manifest.json）のとおりです" in checked.stdout
    manifest = json.loads((city["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["cases.csv"]["count"] == len(_csv(city["out"] / "cases.csv"))
    assert {"models/bpmn/v1/okuyami_case.bpmn", "users.csv", "faq_items.csv", "contacts.csv", "report_versions.csv",
            "catalogue_versions.csv", "open_handovers.csv", "callbacks.csv", ARCHIVE_NAME} <= set(manifest["files"])
    readme = (city["out"] / "README.md").read_text(encoding="utf-8")
    for name, entry in manifest["files"].items():     # every table and every column is explained
        if name.endswith(".csv"):
            assert f"### {name}" in readme
            for column in _csv(city["out"] / name)[0] if entry["count"] else []:
                assert f"`{column}`" in readme, (name, column)


def test_cases_csv_has_one_row_per_case_and_the_open_ones_the_worklists_show(city):
    rows = _csv(city["out"] / "cases.csv")
    platform = city["platform"]
    with platform.database.transaction(write=False) as session:
        worklist = find_task_rows(session, scope_for("supervisor", None, None), TaskFilters(), limit=1000)
        instances = {t.instance_id for t in worklist}
        cases = {i.id for i in session.query(ProcessInstance).filter_by(process_id=CASE_PROCESS)}
    assert len(rows) == len(cases) == len({row["case_number"] for row in rows})
    open_rows = {int(row["case_number"]) for row in rows if row["state"] == "open"}
    assert open_rows == instances & cases
    assert {row["state"] for row in rows} >= {"open", "cancelled"}
    assert all(row["open_task"] and row["holder"] for row in rows if row["state"] == "open")
    users = _csv(city["out"] / "users.csv")
    assert {"password_hash", "token_hash"}.isdisjoint(users[0]) and "okuyami-demo" not in (
        city["out"] / "users.csv").read_text(encoding="utf-8")


def _names():
    for family in FAMILIES.values():
        yield from (family["name"], family["kana"], family["applicant"], family["applicant_kana"])
    yield from ("デモ 花子", "090-0000-0001")


def test_no_demo_family_name_is_in_a_plain_file(city):
    for path in city["out"].rglob("*"):
        if path.is_file() and path.name != ARCHIVE_NAME:
            text = path.read_bytes().decode("utf-8", errors="replace")
            found = [name for name in _names() if name in text]
            assert not found, (path.name, found)


def test_the_recipients_private_key_opens_the_personal_data(city):
    archive = open_sealed((city["out"] / ARCHIVE_NAME).read_bytes(), base64.b64decode(city["private"]))
    people = json.dumps(archive["cases.json"], ensure_ascii=False)
    assert FAMILIES["awaiting_precheck"]["name"] in people and FAMILIES["walk_in"]["applicant"] in people
    assert "デモ 花子" in json.dumps(archive["callbacks.json"], ensure_ascii=False)
    _, other = new_key_pair()
    with pytest.raises(ValueError):
        open_sealed((city["out"] / ARCHIVE_NAME).read_bytes(), base64.b64decode(other))


def test_a_changed_or_missing_file_fails_the_check(city, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(city["out"], copy)
    (copy / "cases.csv").write_bytes((copy / "cases.csv").read_bytes().replace(b",open,", b",closed,", 1))
    (copy / "roles.csv").unlink()
    checked = city["run"]("handover", "verify", str(copy))
    assert checked.exit_code == 1
    assert "cases.csv の内容が書き出した時と違います" in checked.stdout and "roles.csv がありません" in checked.stdout


def test_without_a_recipient_key_no_personal_data_is_written(city):
    out = city["folder"] / "plain"
    exported = city["run"]("handover", "export", "--out", str(out))
    assert exported.exit_code == 0 and "個人情報は書き出していません" in exported.stdout
    assert not (out / ARCHIVE_NAME).exists()
    assert "個人情報は一切書き出していません" in (out / "README.md").read_text(encoding="utf-8")
    refused = city["run"]("handover", "export", "--out", str(out))
    assert refused.exit_code == 1 and "空ではありません" in refused.output
