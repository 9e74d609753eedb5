"""The main menu at the top of every staff-side page (the staff, call-centre, studio, reports and admin rooms
alike), rendered once per role and kept (per app, in its process): it depends only on the role, the training flag
and the application's root, and its ~18 links built on every page were a measurable part of a list page's time."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup


def main_menu() -> Markup:
    menus = current_app.extensions["okuyami_menus"]
    key = (current_user.role, bool(current_app.config.get("TRAINING")), request.script_root)
    html = menus.get(key)
    if html is None:
        html = menus[key] = render_template("_main_menu.html")
    return Markup(html)


def init_app(app: Flask) -> None:
    app.extensions["okuyami_menus"] = {}
    app.context_processor(lambda: {"main_menu": main_menu})
