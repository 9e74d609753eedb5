"""The training city (`okuyami training`): its own folder, database and keys beside the real instance, never the
production database even when the environment names one; the 研修環境 banner on every page; the exercises per role
at /training; `okuyami training reset` starts it afresh."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from processes.demo.city import DEMO_PASSWORD
from processes.platform import build_platform
from processes.training.instance import training_settings
from tests.web_support import login
from web.app import create_app
from web.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A production instance folder whose database the environment names, and the training city started beside it."""
    folder = tmp_path_factory.mktemp("training")
    production = folder / "instance"
    production.mkdir()
    production_db = folder / "production.db"
    production_db.write_bytes(b"the production database: never opened by the training city")
    runner = CliRunner(env={"OKUYAMI_DATABASE_URL": f"sqlite:///{production_db}", "OKUYAMI_INSTANCE_PATH": None})

    def okuyami(*args):
        return runner.invoke(main, ["--instance", str(production), *args], catch_exceptions=False)
    started = okuyami("training", "--seed-only")
    assert started.exit_code == 0, started.output
    yield {"folder": folder, "production": production, "production_db": production_db, "run": okuyami,
           "started": started}


def test_the_training_city_has_its_own_database_and_never_touches_production(city):
    training = city["production"] / "training"
    assert (training / "okuyami-demo.db").stat().st_size > 0 and (training / "okuyami.toml").exists()
    assert city["production_db"].read_bytes() == b"the production database: never opened by the training city"
    assert sorted(p.name for p in city["production"].iterdir()) == ["training"]
    assert "研修環境" in city["started"].stdout and "/training" in city["started"].stdout
    settings = training_settings(training)
    assert settings.training and str(training) in settings.database_url


def test_every_page_shows_the_training_banner_and_the_exercises_per_role(city):
    platform = build_platform(training_settings(city["production"] / "training"))
    try:
        app = create_app(platform=platform)
        app.config.update(TESTING=True)
        client = app.test_client()
        login(client, "kumin_nakahara", DEMO_PASSWORD)
        for path in ("/tasks", "/training"):
            page = client.get(path, follow_redirects=True)
            assert page.status_code == 200 and "研修環境" in page.get_data(as_text=True), path
        text = client.get("/training").get_data(as_text=True)
        assert text.index("区役所関係課（あなたの役割）") < text.index("コールセンターオペレーター")
        for exercise in ("事前確認をする", "ご遺族からの予約の電話を受ける", "ご遺族の来庁に対応する",
                         "苦情の電話を受けて記録する", "月の報告書を作る"):
            assert exercise in text
        assert "研修環境ではありません" not in text
    finally:
        platform.database.dispose()


def test_the_real_application_shows_no_training_banner(client):
    assert "研修環境" not in client.get("/login").get_data(as_text=True)


def test_reset_deletes_only_the_training_database(city):
    reset = city["run"]("training", "reset")
    assert reset.exit_code == 0 and "初期状態に戻しました" in reset.stdout
    training = city["production"] / "training"
    assert not (training / "okuyami-demo.db").exists() and (training / "okuyami.toml").exists()
    assert city["production_db"].exists()
    again = city["run"]("training", "reset")
    assert "まだデータがありません" in again.stdout
