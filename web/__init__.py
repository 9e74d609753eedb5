"""The Flask application: app factory, blueprints per audience, templates, static assets."""
from web.app import create_app

__all__ = ["create_app"]
