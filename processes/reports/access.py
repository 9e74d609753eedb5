"""Who makes and who reads the reports (issue #18): supervisors and admins make and finalise; the auditor and the
city's process owner read."""
from __future__ import annotations

MAKERS = frozenset({"supervisor", "admin"})
READERS = MAKERS | {"auditor", "process_owner"}
