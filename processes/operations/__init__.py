"""Operating the system: backups and restores, the tamper-evident audit chain, purge records, readiness."""
