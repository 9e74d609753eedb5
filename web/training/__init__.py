"""The training city's page: the exercises per role (the signed-in role's first)."""
from web.training import exercises

BLUEPRINTS = [exercises.bp]
