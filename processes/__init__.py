"""The city's processes on top of the engine: roles, wards, catalogue, booking, call centre, reports."""
