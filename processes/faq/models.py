"""Tables of processes.faq (registered in pyproject.toml's okuyami.models entry points)."""
from __future__ import annotations
