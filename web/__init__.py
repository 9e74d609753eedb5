"""The Flask application: app factory, blueprints per audience, templates, static assets.

`create_app` is imported on first use, so that the public application (web/public/) can be imported without the
staff application and everything it reaches (the staff database, personal data)."""


def __getattr__(name: str):
    if name == "create_app":
        from web.app import create_app

        return create_app
    raise AttributeError(f"module 'web' has no attribute {name!r}")


__all__ = ["create_app"]
