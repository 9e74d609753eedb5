"""The staff application's factory."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from engine.settings import Settings, load_settings
from processes.platform import Platform, build_platform

from . import api, api_cases, api_slots, api_tasks, auth, errors, formatting, openapi, packets, security, tasks
from . import model_editor
from . import catalogue_editor
from . import api_models
from . import case_migration_pages, model_examples, model_library
from . import api_case_actions, booking_pages, case_pages, visit_pages
from . import api_packets, form_templates
from . import task_form_pages
from . import account
from . import notifications, supervisor
from .extensions import csrf, login_manager

# Pages (CSRF-protected forms), one blueprint per feature; one line each.
PAGE_BLUEPRINTS = [
    auth.bp,
    account.bp,
    tasks.bp,
    task_form_pages.bp,
    packets.bp,
    form_templates.bp,
    model_editor.bp,
    catalogue_editor.bp,
    booking_pages.bp,
    case_pages.bp,
    visit_pages.bp,
    model_library.bp,
    model_examples.bp,
    case_migration_pages.bp,
    notifications.bp,
    supervisor.bp,
]
# The JSON API under /api/v1 (bearer tokens, no cookies, so no CSRF); one line each.
API_BLUEPRINTS = [
    api.bp,
    api_cases.bp,
    api_tasks.bp,
    api_slots.bp,
    api_packets.bp,
    api_case_actions.bp,
    api_models.bp,
    openapi.bp,
]


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
    )
    app.json.ensure_ascii = False
    app.extensions["okuyami"] = platform
    logging.basicConfig(level=settings.log_level)

    login_manager.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    for blueprint in API_BLUEPRINTS:
        app.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    return app
