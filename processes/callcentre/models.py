"""Tables of processes.callcentre (registered in pyproject.toml's okuyami.models entry points)."""
from __future__ import annotations
