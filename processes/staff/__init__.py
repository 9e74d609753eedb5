"""The staff application's own records: server-side sessions, TOTP, task drafts."""
