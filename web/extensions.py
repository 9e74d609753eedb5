"""Extensions, created unbound and bound in create_app."""
from flask import current_app
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from processes.platform import Platform

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "ログインしてください。"
login_manager.session_protection = "strong"
csrf = CSRFProtect()


def platform() -> Platform:
    return current_app.extensions["okuyami"]
