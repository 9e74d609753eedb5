"""In-app notifications (the bell) and e-mail for deadlines and escalations."""
