"""The public application (internet side): its own app factory; it imports nothing that can reach personal data."""
