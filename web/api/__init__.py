"""The JSON API under /api/v1 (bearer tokens, no cookies, so no CSRF) and its OpenAPI document."""
from web.api import (
    case_actions,
    cases,
    contacts,
    faq_vocabulary,
    faqs,
    models,
    openapi,
    packets,
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
    faqs.bp,
    faq_vocabulary.bp,
    slots.bp,
    packets.bp,
    models.bp,
    openapi.bp,
]
