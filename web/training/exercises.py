"""/training: the exercises of the training city, the signed-in person's role first, the others below."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from processes.roles import ROLES
from processes.training.exercises import for_role_first
from web.guards import page_actor, roles_required

bp = Blueprint("training", __name__, template_folder="templates")


@bp.route("/training")
@roles_required(*ROLES)
def index():
    return render_template("training/exercises.html", groups=for_role_first(page_actor().role),
                           training=bool(current_app.config.get("TRAINING")))
