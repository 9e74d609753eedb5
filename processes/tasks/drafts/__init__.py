"""Task drafts: a form saved half-filled, per task and person, until the task is completed."""
from processes.tasks.drafts.store import discard_drafts, draft_values, load_draft, save_draft

__all__ = ["discard_drafts", "draft_values", "load_draft", "save_draft"]
