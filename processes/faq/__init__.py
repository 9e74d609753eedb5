"""The FAQ: items, categories, revisions, Japanese search and synonyms learned from searches."""
