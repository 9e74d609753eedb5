"""Administration: users, wards and slots, departments, retention; the auditor's trail."""
from web.admin import audit, live, settings, users, wards

BLUEPRINTS: list = [live.bp, users.bp, wards.bp, settings.bp, audit.bp]
