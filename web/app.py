"""The staff application's factory."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask

from engine.logging_setup import configure_logging
from engine.settings import Settings, load_settings
from processes.platform import Platform, build_platform
from web import (
    account,
    admin,
    api,
    auth,
    callcentre,
    errors,
    formatting,
    help,
    ops,
    proxies,
    reports,
    request_limits,
    security,
    staff,
    studio,
    training,
)
from web.extensions import csrf, login_manager
from web.signin import second_factor
from web.staff import menu

# The pages every audience shares (sign-in, one's own account) and one entry per audience.
SHARED_BLUEPRINTS = [auth.bp, second_factor.bp, account.bp]
PAGE_AUDIENCES = [staff, callcentre, studio, reports, admin, training, help]
# The JSON API: bearer tokens, no cookies, so no CSRF.
API_AUDIENCES = [api]


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> Flask:
    settings = settings or (platform.settings if platform else load_settings())
    platform = platform or build_platform(settings)
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="okuyami_session",
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        JSON_AS_ASCII=False,
        WTF_CSRF_TIME_LIMIT=None,
        TRAINING=settings.training,
    )
    app.json.ensure_ascii = False
    app.extensions["okuyami"] = platform
    configure_logging(settings.log_level, settings.spiff_log_level)

    login_manager.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    menu.init_app(app)
    errors.init_app(app)
    request_limits.init_app(app)
    proxies.init_app(app, settings)
    ops.init_app(app, settings)
    for blueprint in SHARED_BLUEPRINTS:
        app.register_blueprint(blueprint)
    for audience in PAGE_AUDIENCES:
        for blueprint in audience.BLUEPRINTS:
            app.register_blueprint(blueprint)
    for audience in API_AUDIENCES:
        for blueprint in audience.BLUEPRINTS:
            app.register_blueprint(blueprint)
            csrf.exempt(blueprint)
    return app
