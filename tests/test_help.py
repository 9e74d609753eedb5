"""/help in the staff app: every role gets its own manual first and reaches the others; /help/<role> opens one role's
manual with a section per screen; every screen's help link names the section for that screen."""
from __future__ import annotations

import pytest

from processes.manual.steps import manual
from processes.roles import ROLES
from tests.web_support import add_user, login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_help_answers_for_every_role_with_its_own_manual_first(app, database):
    for role in ROLES:
        client = app.test_client()
        add_user(database, f"help_{role}", role, ward="nakahara" if role in ("counter", "dept_staff") else None,
                 department="kumin" if role == "dept_staff" else None)
        login(client, f"help_{role}")
        page = client.get("/help")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and f"ヘルプ: {ROLES[role]}の操作" in text, role
        assert all(f'id="{section.screen}"' in text for section in manual()[role])
        others = [label for other, label in ROLES.items() if other != role]
        assert all(label in text for label in others)
        one = client.get("/help/auditor").get_data(as_text=True)
        assert "ヘルプ: 監査担当の操作" in one and 'id="audit.index"' in one
        assert client.get("/help/nobody").status_code == 404
        screen = client.get("/account/password").get_data(as_text=True)
        assert f'href="/help/{role}#account.password" class="help-link"' in screen


def test_every_role_has_a_manual_in_plain_japanese():
    for role in ROLES:
        assert manual()[role], role
        for section in manual()[role]:
            assert all(step.text and not step.text.isascii() for step in section.steps)


def test_the_help_shows_the_screenshots_of_a_built_manual(app, client, database):
    section = manual()["auditor"][0]
    folder = app.extensions["okuyami"].settings.instance_path / "manual" / "auditor" / "images"
    folder.mkdir(parents=True)
    (folder / section.shot_name(1)).write_bytes(b"\x89PNG\r\n\x1a\n")
    add_user(database, "help_auditor", "auditor")
    login(client, "help_auditor")
    text = client.get("/help").get_data(as_text=True)
    assert f'src="/help/auditor/images/{section.shot_name(1)}"' in text
    shot = client.get(f"/help/auditor/images/{section.shot_name(1)}")
    assert shot.status_code == 200 and shot.data.startswith(b"\x89PNG")
    assert client.get("/help/auditor/images/missing.png").status_code == 404
    assert client.get("/help/auditor/images/..%2Fokuyami.toml").status_code == 404
