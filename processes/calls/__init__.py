"""The phone system's records: calls from the exchange's events, service levels, staffing forecast, recordings."""
