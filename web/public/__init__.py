"""The public application (internet side): its own app factory; it imports nothing that can reach personal data.

BLUEPRINTS is what `create_public_app` registers; later issues (the navi, booking requests, the survey) add
theirs here, and their export parts to processes/public/export.py."""
from web.public import booking, faq, home, inbox, inquiry, navi, survey

BLUEPRINTS = [
    home.bp,
    faq.bp,
    navi.bp,
    survey.bp,
    booking.bp,
    inquiry.bp,
    inbox.bp,
]
