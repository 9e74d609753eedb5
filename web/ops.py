"""What the machines around the app read: /healthz, /readyz, /metrics; and how every request is logged and timed.

A module at web/'s top rather than in web/admin/: these are not pages of any audience (no login, no roles; the
callers are a load balancer, systemd and Prometheus), and `init_app` hooks every request (request id, the JSON log
line, the latency histogram, the 503 page while the database is away), which belongs to the app, not to a room.
/readyz and /metrics answer only to OKUYAMI_OPS_ALLOWED_ADDRESSES (loopback by default): 404 to anyone else."""
from __future__ import annotations

import ipaddress
import json
import logging
import time
import uuid

from flask import Blueprint, Flask, Response, abort, g, jsonify, render_template, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from engine.logging_setup import request_id as log_request_id
from engine.settings import Settings
from processes.operations.readiness import figures, readiness
from web.extensions import platform
from web.proxies import trusted_networks

bp = Blueprint("ops", __name__)
request_log = logging.getLogger("okuyami.requests")
DATABASE_DOWN = "ただいまデータベースに接続できません。しばらくしてから、もう一度お試しください。"
# Served without templates or the database (the session store and the signed-in user are read before any view):
# a page that needs nothing that is away.
UNAVAILABLE_PAGE = ("<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>一時的にご利用いただけません</title><link rel=\"stylesheet\" href=\"/static/css/app.css\">"
                    "</head><body><main><h1>一時的にご利用いただけません</h1>"
                    f"<p>{DATABASE_DOWN}</p><p>復旧すると、この画面を再読み込みするだけで続けられます。</p>"
                    "</main></body></html>").encode("utf-8")


def database_outage(exc: DBAPIError) -> bool:
    """The database cannot be reached (down, restarting, connection lost), as opposed to a statement it refused:
    only an outage is a 503; a refused statement is a defect and stays a 500."""
    return isinstance(exc, (OperationalError, InterfaceError)) or bool(getattr(exc, "connection_invalidated", False))


class DatabaseUnavailable:
    """WSGI middleware: a database error anywhere in a request (also while the session or the user is loaded, before
    Flask's error handlers) answers 503 with Retry-After; the next request tries the database again, so the app
    recovers by itself when the database is back."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except DBAPIError as exc:
            if not database_outage(exc):
                raise
            request_log.warning(json.dumps({"event": "database_unavailable", "error": _error_name(exc)}))
            api = environ.get("PATH_INFO", "").startswith("/api/")
            body = json.dumps({"error": {"status": 503, "message": DATABASE_DOWN}, "errors": []},
                              ensure_ascii=False).encode("utf-8") if api else UNAVAILABLE_PAGE
            start_response("503 Service Unavailable", [
                ("Content-Type", "application/json" if api else "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))), ("Retry-After", "10"), ("Cache-Control", "no-store"),
                ("Content-Security-Policy", "default-src 'self'"), ("X-Content-Type-Options", "nosniff")])
            return [body]


def _error_name(exc: Exception) -> str:
    original = getattr(exc, "orig", None)
    return type(original).__name__ if original is not None else type(exc).__name__


class _DatabaseFigures:
    """Collected at scrape time from the database, so every app process reports the same figures."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        database = self.app.extensions["okuyami"].database
        with database.transaction(write=False) as session:
            now = figures(session)
        open_tasks = GaugeMetricFamily("okuyami_open_tasks", "Open human tasks per role", labels=["role"])
        overdue = GaugeMetricFamily("okuyami_overdue_tasks", "Overdue open human tasks per role", labels=["role"])
        for role, count in now.open_tasks.items():
            open_tasks.add_metric([role], count)
        for role, count in now.overdue_tasks.items():
            overdue.add_metric([role], count)
        yield open_tasks
        yield overdue
        yield GaugeMetricFamily("okuyami_timer_lag_seconds", "How late the oldest due timer is",
                                value=now.timer_lag_seconds)
        yield GaugeMetricFamily("okuyami_packet_queue", "Print packets being made", value=now.packets_generating)
        if now.call_import_lag_seconds is not None:
            yield GaugeMetricFamily("okuyami_call_import_lag_seconds", "Since phone events were last imported",
                                    value=now.call_import_lag_seconds)


def _endpoint_group() -> str:
    return request.blueprint or (request.endpoint or "unmatched").split(".")[0]


def init_app(app: Flask, settings: Settings) -> None:
    allowed = trusted_networks(settings.ops_allowed_addresses)
    registry = CollectorRegistry()
    latency = Histogram("okuyami_request_seconds", "Request latency per endpoint group", ["group"],
                        registry=registry)
    completions = Counter("okuyami_task_completions", "Task completions answered by this process", ["group"],
                          registry=registry)
    registry.register(_DatabaseFigures(app))
    app.extensions["okuyami_ops"] = {"allowed": allowed, "registry": registry}

    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.request_id_token = log_request_id.set(g.request_id)
        g.request_started = time.perf_counter()

    @app.teardown_request
    def _forget(_exc) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            log_request_id.reset(token)

    @app.after_request
    def _finish(response: Response) -> Response:
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        group = _endpoint_group()
        latency.labels(group).observe(elapsed)
        if request.method == "POST" and (request.endpoint or "").endswith("complete") and response.status_code < 400:
            completions.labels(group).inc()
        response.headers["X-Request-Id"] = g.get("request_id", "")
        # The route's rule, never the URL: ids and query strings stay out of the log.
        if request_log.isEnabledFor(logging.INFO):
            request_log.info(json.dumps({"request_id": g.get("request_id"), "method": request.method,
                                         "route": request.url_rule.rule if request.url_rule else "unmatched",
                                         "status": response.status_code, "ms": round(elapsed * 1000, 1)}))
        return response

    @app.errorhandler(DBAPIError)
    def _database_down(exc):
        if not database_outage(exc):
            raise exc
        request_log.warning(json.dumps({"request_id": g.get("request_id"), "event": "database_unavailable",
                                        "error": _error_name(exc)}))
        if request.path.startswith("/api/"):
            response = jsonify({"error": {"status": 503, "message": DATABASE_DOWN}, "errors": []})
        else:
            response = Response(render_template("error.html", status=503, message=DATABASE_DOWN))
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        return response

    app.register_blueprint(bp)
    app.wsgi_app = DatabaseUnavailable(app.wsgi_app)


def _only_allowed() -> None:
    address = ipaddress.ip_address(request.remote_addr or "0.0.0.0")
    from flask import current_app
    if not any(address in network for network in current_app.extensions["okuyami_ops"]["allowed"]):
        abort(404)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    _only_allowed()
    checks = readiness(platform().database)
    ready = all(check.ok for check in checks)
    return jsonify({"ready": ready, "checks": [{"name": c.name, "ok": c.ok, "message": c.message}
                                                for c in checks]}), (200 if ready else 503)


@bp.get("/metrics")
def metrics():
    _only_allowed()
    from flask import current_app
    return Response(generate_latest(current_app.extensions["okuyami_ops"]["registry"]),
                    mimetype=CONTENT_TYPE_LATEST)
