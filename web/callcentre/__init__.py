"""The call centre's screens: the call screen, contact records, FAQ editing, the service-level dashboard."""

from web.callcentre import (
    call_screen,
    callbacks,
    calls_dashboard,
    calls_recordings,
    contacts,
    faq_admin,
    faq_editing,
    faq_pages,
    public_requests,
)

BLUEPRINTS: list = [
    call_screen.bp,
    contacts.bp,
    callbacks.bp,
    faq_pages.bp,
    faq_editing.bp,
    faq_admin.bp,
    calls_dashboard.bp,
    calls_recordings.bp,
    public_requests.bp,
]
