"""The `okuyami` command as an operator of the system uses it."""
import base64
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from engine.db.models import ProcessVersion, User
from engine.db.session import Database
from tests.support import FIXTURE_MODELS, ROOT
from web.cli import main


@pytest.fixture
def okuyami(instance_dir):
    runner = CliRunner()

    def run(*args, **kwargs):
        return runner.invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False, **kwargs)
    return run


def test_keys_generate_prints_32_random_bytes_in_urlsafe_base64():
    runner = CliRunner()
    first, second = (runner.invoke(main, ["keys", "generate"]).output.strip() for _ in range(2))
    assert len(base64.urlsafe_b64decode(first)) == 32 and first != second


def test_db_upgrade_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"OKUYAMI_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    tables = set(inspect(Database(url).engine).get_table_names())
    assert {"process_instances", "human_tasks", "audit_log", "process_versions", "model_files", "users"} <= tables


def test_users_create_and_token(okuyami, database):
    refused = okuyami("users", "create", "kumin1", "--role", "dept_staff", "--ward", "nakahara", "--password", "longenough")
    assert refused.exit_code == 2 and "--department" in refused.output
    created = okuyami("users", "create", "kumin1", "--role", "dept_staff", "--ward", "nakahara",
                      "--department", "kumin", "--password", "longenough")
    assert created.exit_code == 0 and "kumin1" in created.output
    with database.transaction(write=False) as session:
        user = session.scalar(select(User).where(User.username == "kumin1"))
        assert (user.role, user.ward, user.department) == ("dept_staff", "nakahara", "kumin")
    token = okuyami("users", "token", "kumin1").output.strip()
    assert len(token) >= 40
    duplicate = okuyami("users", "create", "kumin1", "--role", "operator", "--password", "longenough")
    assert duplicate.exit_code == 1 and "同じユーザー名" in duplicate.output


def test_models_validate_names_file_element_and_problem(okuyami, tmp_path):
    broken = tmp_path / "review.bpmn"
    broken.write_text((FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
                      .replace('name="dept_staff"', 'name="経理課"'), encoding="utf-8")
    result = okuyami("models", "validate", str(broken), str(FIXTURE_MODELS / "priority.dmn"))
    assert result.exit_code == 1
    assert "review.bpmn [lane_dept]" in result.output and "経理課" in result.output


def test_models_deploy_then_list_then_redeploy_is_unchanged(okuyami):
    files = [str(FIXTURE_MODELS / "review.bpmn"), str(FIXTURE_MODELS / "priority.dmn")]
    first = okuyami("models", "deploy", *files, "--comment", "初版")
    assert first.exit_code == 0 and "review v1" in first.output
    again = okuyami("models", "deploy", *files)
    assert "review v1（変更なし）" in again.output
    listing = okuyami("models", "list")
    assert "review" in listing.output and "稼働中" in listing.output


def test_a_refused_deploy_changes_nothing(okuyami, database, tmp_path):
    broken = tmp_path / "review.bpmn"
    broken.write_text((FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
                      .replace("len(procedures)", "__import__('os')"), encoding="utf-8")
    with database.transaction(write=False) as session:
        before = session.scalars(select(ProcessVersion.id)).all()
    result = okuyami("models", "deploy", str(broken), str(FIXTURE_MODELS / "priority.dmn"))
    assert result.exit_code == 1 and "何も変更していません" in result.output and "[tally]" in result.output
    with database.transaction(write=False) as session:
        assert session.scalars(select(ProcessVersion.id)).all() == before


def test_demo_seed_only_creates_a_demo_city_with_users_for_every_role(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OKUYAMI_DATABASE_URL", None)
    command = [sys.executable, "-m", "web.cli", "demo", "--seed-only"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "instance" / "okuyami.toml").exists() and (tmp_path / "instance" / "okuyami-demo.db").exists()
    for role_name in ("コールセンターオペレーター", "スーパーバイザー", "区役所関係課", "おくやみコーナー",
                      "区政推進課", "システム管理者", "監査担当"):
        assert role_name in first.stdout
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "user operator1" not in second.stdout


def test_serve_refuses_to_start_without_a_data_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKUYAMI_")}
    env.update({"PYTHONPATH": str(ROOT), "OKUYAMI_SECRET_KEY": "s" * 40})
    result = subprocess.run([sys.executable, "-m", "web.cli", "--instance", str(tmp_path), "serve"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "OKUYAMI_DATA_KEY" in result.stderr and "okuyami keys generate" in result.stderr


def test_commands_refuse_an_unmigrated_database_with_a_clear_message(tmp_path, data_key):
    (tmp_path / "okuyami.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "empty.db"}"\nsecret_key = "{"s" * 40}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    result = CliRunner().invoke(main, ["--instance", str(tmp_path), "users", "token", "anyone"])
    assert result.exit_code == 1 and "okuyami db upgrade" in result.output
