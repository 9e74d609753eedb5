"""`create_public_app(data_dir)`: the internet side's application. It serves only what `okuyami public export`
wrote into `data_dir`, has no credentials and imports nothing that can open the staff database or personal data
(tests/test_public_app.py checks the imports)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from web.public import BLUEPRINTS, security
from web.public.formatting import wareki_day
from web.public.store import ExportDirectory

MESSAGES = {404: "お探しのページは見つかりませんでした。", 405: "この操作は利用できません。"}


def create_public_app(data_dir: str | Path) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024, JSON_AS_ASCII=False)
    app.extensions["public_export"] = ExportDirectory(Path(data_dir))
    app.add_template_filter(wareki_day)
    security.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        return render_template("public/error.html", status=code,
                               message=MESSAGES.get(code, "ページを表示できませんでした。")), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error in the public application")
        return render_template("public/error.html", status=500,
                               message="ただいまページを表示できません。時間をおいて再度お試しください。"), 500

    return app
