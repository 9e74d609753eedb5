"""Help: the manual per role inside the staff app (/help, /help/<role>), opened from every screen's help link."""
from web.help import pages

BLUEPRINTS = [pages.bp]
