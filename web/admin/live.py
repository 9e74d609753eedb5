"""Keeps the administrator's values (wards, slots, closures, departments) in force in this web process: installed
when the app is built and refreshed before requests (throttled), since another process may have saved them."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from processes.administration import live

bp = Blueprint("admin_live", __name__)
log = logging.getLogger(__name__)


@bp.record_once
def _install_at_start(state) -> None:
    try:
        live.refresh(state.app.extensions["okuyami"].database, force=True)
    except SQLAlchemyError:
        log.warning("administration settings not installed: the database cannot be read yet")


@bp.before_app_request
def _refresh() -> None:
    live.refresh(current_app.extensions["okuyami"].database)
