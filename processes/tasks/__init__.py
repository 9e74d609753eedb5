"""The generic human-task platform: task forms and their values, queries and worklists, claims and assignment,
completion, drafts, and who may do what with a task."""
