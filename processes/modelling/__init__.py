"""What process owners change without code: model drafts, versions, saved example interviews, case migration."""
