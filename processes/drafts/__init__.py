"""Task drafts: a form saved half-filled, per task and person, until the task is completed."""
