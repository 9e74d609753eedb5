"""The reports the city is paid on (issue #18): the daily log and the monthly results, each figure computed by
its source's own function (processes/reports/sources.py) so that a test can recompute it."""
