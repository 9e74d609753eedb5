"""The JSON API under /api/v1 (bearer tokens, no cookies, so no CSRF) and its OpenAPI document."""
from web.api import (
    calls,
    case_actions,
    cases,
    contacts,
    faq_vocabulary,
    faqs,
    models,
    openapi,
    packets,
    recordings,
    service,
    slots,
    tasks,
    visits,
)

BLUEPRINTS = [
    service.bp,
    cases.bp,
    case_actions.bp,
    visits.bp,
    tasks.bp,
    contacts.bp,
    calls.bp,
    recordings.bp,
    faqs.bp,
    faq_vocabulary.bp,
    slots.bp,
    packets.bp,
    models.bp,
    openapi.bp,
]
