# gunicorn's own records (its master and workers starting and stopping) as JSON lines, like the app's
# (engine/logging_setup.py): `gunicorn -c deploy/gunicorn.conf.py ...`. No access log: the app logs each request
# itself with the route's rule, never the raw URL.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "engine.logging_setup.JsonLines"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
    },
}
accesslog = None
