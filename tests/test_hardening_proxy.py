"""Issue #13, 8: behind a TLS proxy the city trusts (OKUYAMI_TRUSTED_PROXIES), the session cookie is Secure and
HSTS is sent; without the setting, or from any other peer, X-Forwarded-* headers change nothing."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine.errors import ConfigurationError
from engine.settings import load_settings

PROXY = "10.20.0.5"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.44", "X-Forwarded-Host": "staff.example.lg.jp"}


def _app(platform, **settings):
    from web import create_app

    app = create_app(settings=replace(platform.settings, **settings), platform=platform)
    app.config.update(TESTING=True)
    return app


def _login_page(app, peer: str):
    return app.test_client().get("/login", headers=FORWARDED, environ_base={"REMOTE_ADDR": peer})


def test_behind_the_trusted_proxy_the_cookie_is_secure_and_hsts_is_sent(platform):
    app = _app(platform, trusted_proxies=f"{PROXY}, 10.30.0.0/16", trusted_proxy_hops=1)

    for peer in (PROXY, "10.30.8.9"):
        page = _login_page(app, peer)
        assert "Secure" in page.headers["Set-Cookie"], peer
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_client_address_behind_the_proxy_is_the_forwarded_one(platform):
    app = _app(platform, trusted_proxies=PROXY)
    seen = {}

    @app.get("/test-peer")
    def peer():
        from flask import request
        seen["address"], seen["secure"] = request.remote_addr, request.is_secure
        return "ok"

    app.test_client().get("/test-peer", headers=FORWARDED, environ_base={"REMOTE_ADDR": PROXY})
    assert seen == {"address": "192.0.2.44", "secure": True}
    app.test_client().get("/test-peer", headers=FORWARDED, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert seen == {"address": "192.0.2.99", "secure": False}


def test_from_another_peer_the_forwarded_headers_are_ignored(platform):
    page = _login_page(_app(platform, trusted_proxies=PROXY), "192.0.2.99")

    assert "Secure" not in page.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in page.headers


def test_without_the_setting_no_proxy_is_trusted(platform):
    page = _login_page(_app(platform), PROXY)

    assert "Secure" not in page.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in page.headers


def test_the_setting_comes_from_the_environment_and_a_bad_address_stops_the_start(platform, tmp_path):
    settings = load_settings(tmp_path, environ={"OKUYAMI_TRUSTED_PROXIES": "10.0.0.1,10.1.0.0/16",
                                                "OKUYAMI_TRUSTED_PROXY_HOPS": "2"})
    assert (settings.trusted_proxies, settings.trusted_proxy_hops) == ("10.0.0.1,10.1.0.0/16", 2)

    with pytest.raises(ConfigurationError, match="not an IP address"):
        _app(platform, trusted_proxies="proxy.example")
