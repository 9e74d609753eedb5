"""Administration: users, wards and slots, departments, retention; the auditor's trail."""

BLUEPRINTS: list = []
