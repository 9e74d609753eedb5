"""The reports: daily log, monthly and annual results, incident reports, their downloads."""
from web.reports import builds, incidents, pages, survey_comments

BLUEPRINTS: list = [pages.bp, incidents.bp, survey_comments.bp, builds.bp]
