"""The form templates' rendering time bound is a setting (template_seconds in instance/okuyami.toml, or
OKUYAMI_TEMPLATE_SECONDS), applied when the platform is built; a bound that is not positive is refused at start."""
from __future__ import annotations

import pytest

from engine.documents import bounded
from engine.errors import ConfigurationError
from engine.settings import load_settings
from processes.platform import build_platform


@pytest.fixture
def restored_bound():
    before = bounded.RENDER_SECONDS
    yield
    bounded.RENDER_SECONDS = before


@pytest.mark.parametrize("file_line, environ, expected", [
    ("", {}, 10.0),
    ("template_seconds = 3.5\n", {}, 3.5),
    ("template_seconds = 3.5\n", {"OKUYAMI_TEMPLATE_SECONDS": "20"}, 20.0),
], ids=["default", "file", "env over file"])
def test_the_bound_comes_from_the_settings(instance_dir, file_line, environ, expected, restored_bound):
    config = instance_dir / "okuyami.toml"
    config.write_text(config.read_text(encoding="utf-8") + file_line, encoding="utf-8")
    settings = load_settings(instance_dir, environ=environ)
    assert settings.template_seconds == expected
    platform = build_platform(settings)
    try:
        assert bounded.RENDER_SECONDS == expected
    finally:
        platform.database.dispose()


def test_a_bound_that_is_not_positive_is_refused_at_start(instance_dir, restored_bound):
    config = instance_dir / "okuyami.toml"
    config.write_text(config.read_text(encoding="utf-8") + "template_seconds = 0\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        build_platform(load_settings(instance_dir, environ={}))
    assert "正の数" in refused.value.user_message
