"""Persistence: SQLAlchemy 2 typed models, sessions and column types."""
from .base import Base
from .session import Database, create_database

__all__ = ["Base", "Database", "create_database"]
