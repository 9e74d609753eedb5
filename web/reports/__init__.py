"""The reports: daily log, monthly and annual results, incident reports, their downloads."""

BLUEPRINTS: list = []
