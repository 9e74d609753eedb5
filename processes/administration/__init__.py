"""What the system administrator keeps as data: users, ward corners and their slots, one-off closures,
departments and retention periods; and the auditor's reading of the audit trail."""
