"""The demo city: its instance folder, users, models and sample data (`okuyami demo`)."""
