"""The call centre's screens: the call screen, contact records, FAQ editing, the service-level dashboard."""

BLUEPRINTS: list = []
