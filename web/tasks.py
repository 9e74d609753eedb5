"""The worklist: the signed-in person's open tasks."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from processes.okuyami.wards import load_wards
from processes.worklists import scope_for

from .extensions import platform

bp = Blueprint("tasks", __name__)


@bp.route("/")
def index():
    return redirect(url_for("tasks.worklist"))


@bp.route("/tasks")
@login_required
def worklist():
    scope = scope_for(current_user.role, current_user.ward, current_user.department)
    rows = platform().runtime.list_tasks(**scope.filters()) if scope.visible else []
    return render_template("tasks.html", tasks=rows, scope=scope, wards=load_wards())
