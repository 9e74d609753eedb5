"""A reverse proxy the city trusts (OKUYAMI_TRUSTED_PROXIES, OKUYAMI_TRUSTED_PROXY_HOPS): behind it, the client's
address, scheme and host come from its X-Forwarded-* headers, so that a TLS proxy in front of waitress makes the
session cookie Secure and sends HSTS (web/security.py, web/sessions.py look at request.is_secure).

The headers are believed only for a request whose peer is one of the configured addresses or networks; from any
other peer they are ignored, so nobody can claim another address (the sign-in throttle counts per address) or a
secure scheme by sending the headers directly.
"""
from __future__ import annotations

import ipaddress

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.errors import ConfigurationError
from engine.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> list[Network]:
    """`10.0.0.5, 10.1.0.0/16, ::1` -> networks; ConfigurationError naming a value that is not an address."""
    networks = []
    for item in (part.strip() for part in setting.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigurationError(f"OKUYAMI_TRUSTED_PROXIES: {item!r} is not an IP address or network",
                                     user_message="信頼するプロキシ (OKUYAMI_TRUSTED_PROXIES) の指定に誤りがあります。") from exc
    return networks


class TrustedProxyFix:
    """werkzeug's ProxyFix, applied only to requests whose peer is a trusted proxy."""

    def __init__(self, wsgi_app, networks: list[Network], hops: int):
        self.app = wsgi_app
        self.networks = networks
        self.fixed = ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    def _trusted(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def init_app(app: Flask, settings: Settings) -> None:
    networks = trusted_networks(settings.trusted_proxies)
    if networks:
        if settings.trusted_proxy_hops < 1:
            raise ConfigurationError("OKUYAMI_TRUSTED_PROXY_HOPS must be 1 or more",
                                     user_message="プロキシの段数 (OKUYAMI_TRUSTED_PROXY_HOPS) は 1 以上にしてください。")
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, networks, settings.trusted_proxy_hops)
