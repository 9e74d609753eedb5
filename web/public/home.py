"""The public site's front page: what it offers (each service adds its link in templates/public/home.html)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public_home", __name__, template_folder="templates")


@bp.get("/")
def index():
    return render_template("public/home.html")
