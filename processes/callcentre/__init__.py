"""The call centre: contact records (応対履歴), inquiries handed over to departments and their callbacks, citizen voice."""
