"""Settings: environment over the instance file over defaults; refusing to start without production secrets."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.crypto import generate_key
from engine.errors import ConfigurationError
from engine.settings import INSTANCE_FILE, load_settings

KEY_A, KEY_B = generate_key(), generate_key()


@pytest.fixture
def instance(tmp_path) -> Path:
    return tmp_path


def write_instance_file(instance: Path, body: str) -> None:
    (instance / INSTANCE_FILE).write_text(body, encoding="utf-8")


@pytest.mark.parametrize("file_value, env_value, expected", [
    (None, None, 2.0),
    ("5.5", None, 5.5),
    (None, "0.5", 0.5),
    ("5.5", "0.5", 0.5),
], ids=["default", "file", "env", "env over file"])
def test_environment_over_instance_file_over_default(instance, file_value, env_value, expected):
    if file_value is not None:
        write_instance_file(instance, f"script_timeout_seconds = {file_value}\n")
    environ = {"OKUYAMI_SCRIPT_TIMEOUT_SECONDS": env_value} if env_value is not None else {}

    assert load_settings(instance, environ=environ).script_timeout_seconds == expected


def test_values_from_file_and_environment_get_their_types(instance):
    write_instance_file(instance, 'demo = true\nbpmn_dir = "/srv/models/bpmn"\nlog_level = "DEBUG"\n')

    settings = load_settings(instance, environ={"OKUYAMI_DEMO": "false", "OKUYAMI_DMN_DIR": "/srv/models/dmn"})

    assert settings.demo is False
    assert settings.bpmn_dir == Path("/srv/models/bpmn") and settings.dmn_dir == Path("/srv/models/dmn")
    assert settings.log_level == "DEBUG" and settings.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("demo, expected_db", [("1", "okuyami-demo.db"), ("0", "okuyami.db")])
def test_without_a_database_url_sqlite_sits_in_the_instance_folder(instance, demo, expected_db):
    settings = load_settings(instance, environ={"OKUYAMI_DEMO": demo})

    assert settings.database_url == f"sqlite:///{instance / expected_db}"


def test_an_explicit_database_url_is_kept(instance):
    url = "postgresql+psycopg://okuyami@db/okuyami"
    write_instance_file(instance, f'database_url = "{url}"\n')

    assert load_settings(instance, environ={}).database_url == url


@pytest.mark.parametrize("body, words", [
    ('data_kye = "x"\n', ["unknown", "data_kye"]),
    ('[server]\nport = 8000\n', ["unknown", "server"]),
    ("database_url = \n", ["not valid TOML"]),
], ids=["typo", "table", "bad toml"])
def test_a_broken_instance_file_is_a_configuration_error_naming_the_file(instance, body, words):
    write_instance_file(instance, body)

    with pytest.raises(ConfigurationError) as refused:
        load_settings(instance, environ={})

    for word in [*words, INSTANCE_FILE]:
        assert word in str(refused.value)


def test_a_value_of_the_wrong_type_is_a_configuration_error(instance):
    with pytest.raises(ConfigurationError, match="OKUYAMI_SCRIPT_TIMEOUT_SECONDS"):
        load_settings(instance, environ={"OKUYAMI_SCRIPT_TIMEOUT_SECONDS": "two seconds"})


def test_comma_separated_data_keys_form_the_ring_first_key_first(instance):
    settings = load_settings(instance, environ={"OKUYAMI_DATA_KEY": f" {KEY_A} , {KEY_B},"})

    assert settings.data_keys == [KEY_A, KEY_B]


@pytest.mark.parametrize("environ, words", [
    ({"OKUYAMI_SECRET_KEY": "s" * 32}, ["OKUYAMI_DATA_KEY", "okuyami keys generate"]),
    ({"OKUYAMI_SECRET_KEY": "s" * 32, "OKUYAMI_DATA_KEY": " , "}, ["OKUYAMI_DATA_KEY"]),
    ({"OKUYAMI_DATA_KEY": KEY_A}, ["OKUYAMI_SECRET_KEY"]),
], ids=["no data key", "blank data key", "no secret key"])
def test_production_refuses_to_start_without_its_secrets(instance, environ, words):
    settings = load_settings(instance, environ=environ)

    with pytest.raises(ConfigurationError) as refused:
        settings.require_production_secrets()

    for word in words:
        assert word in str(refused.value)
    assert "起動できません" in refused.value.user_message


def test_production_starts_with_both_secrets(instance):
    settings = load_settings(instance, environ={"OKUYAMI_DATA_KEY": KEY_A, "OKUYAMI_SECRET_KEY": "s" * 32})

    assert settings.demo is False
    assert settings.data_keys == [KEY_A] and settings.secret_key == "s" * 32
    assert settings.require_production_secrets() is None          # no refusal: the app may start


def test_the_demo_starts_without_secrets(instance):
    settings = load_settings(instance, environ={"OKUYAMI_DEMO": "true"})

    assert settings.demo is True and settings.data_keys == []
    settings.require_production_secrets()
