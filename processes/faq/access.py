"""Who may do what with the FAQ (the pages and the API follow these sets; tests/test_web_access_matrix.py too).

Operators search and read (and record that they answered with an item); supervisors edit, publish and decide on
synonyms; admins everything; the auditor reads, including the revisions, the synonym proposals and the export.
Supervisors-only items (spec 12(7)①カ) are hidden from operators: see search.visible_to."""
from __future__ import annotations

READERS = frozenset({"operator", "supervisor", "admin", "auditor"})
USERS = frozenset({"operator", "supervisor", "admin"})
"""May record that an item was used to answer a caller."""
EDITORS = frozenset({"supervisor", "admin"})
REVIEWERS = EDITORS | {"auditor"}
"""Read revisions, proposals, the zero-hit report and the CSV export."""
