"""The OpenAPI description of the FAQ routes (web/api/faqs.py, web/api/faq_vocabulary.py), merged into the
document by web/api/openapi.py."""
from __future__ import annotations

ROLES = ("operator searches and reads items for every operator (supervisors-only items answer 404) and records "
         "that an item was used; supervisor and admin also create, change, delete and decide on synonyms; auditor "
         "reads, including revisions, proposals and the CSV export; other roles get 403.")


def faq_schemas() -> dict:
    day = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD (Asia/Tokyo)"}
    fields = {
        "question": {"type": "string", "maxLength": 500}, "answer": {"type": "string", "maxLength": 10000,
                                                                     "description": "Plain text; blank lines part paragraphs, http(s) addresses become links"},
        "categories": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        "keywords": {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 30},
        "related_faq_ids": {"type": "array", "items": {"type": "integer"}},
        "related_urls": {"type": "array", "maxItems": 20, "items": {"type": "object", "required": ["title", "url"],
                                                                    "properties": {"title": {"type": "string"},
                                                                                   "url": {"type": "string", "format": "uri"}}}},
        "published": {"type": "boolean"}, "publish_start": day, "publish_end": day,
        "audience": {"type": "string", "enum": ["all", "supervisors"]},
    }
    return {
        "FaqRequest": {"type": "object", "required": ["question", "answer", "categories"], "properties": fields},
        "Faq": {"type": "object", "properties": {"id": {"type": "integer"},
                                                 "faq_id": {"type": "string", "examples": ["FAQ-000123"]}, **fields,
                                                 "use_count": {"type": "integer"}, "version": {"type": "integer"},
                                                 "updated_at": {"type": "string", "format": "date-time"}}},
        "FaqCategory": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                         "parent_id": {"type": ["integer", "null"]},
                                                         "path": {"type": "string"}}},
        "FaqSynonymProposal": {"type": "object", "properties": {
            "id": {"type": "integer"}, "term": {"type": "string"}, "expands_to": {"type": "string"},
            "support": {"type": "integer", "description": "How often the pair was seen"}}},
    }


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def listing(name: str) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": ref(name)}}}


def faq_paths(secured, ok, error, id_param, query) -> dict:
    item_id, proposal_id, category_id = id_param("item_id"), id_param("proposal_id"), id_param("category_id")
    return {
        "/api/v1/faqs": {"post": secured({"operationId": "createFaq", "summary": "Create an FAQ item. " + ROLES,
                                          "requestBody": body(ref("FaqRequest")),
                                          "responses": {"201": ok("The item with its id and faq_id", ref("Faq"))}},
                                         403, 422)},
        "/api/v1/faqs/{item_id}": {
            "get": secured({"operationId": "getFaq", "parameters": [item_id],
                            "responses": {"200": ok("The item", ref("Faq"))}}, 403, 404),
            "patch": secured({"operationId": "changeFaq", "parameters": [item_id], "summary": "Change any fields",
                              "requestBody": body({"type": "object",
                                                   "properties": faq_schemas()["FaqRequest"]["properties"]}),
                              "responses": {"200": ok("The item", ref("Faq"))}}, 403, 404, 422),
            "delete": secured({"operationId": "deleteFaq", "parameters": [item_id],
                               "responses": {"204": {"description": "Deleted (its revisions stay)"}}}, 403, 404)},
        "/api/v1/faqs/{item_id}/revisions": {"get": secured({
            "operationId": "faqRevisions", "parameters": [item_id],
            "responses": {"200": ok("Newest first: who, when, action, snapshot and the changed fields")}}, 403, 404)},
        "/api/v1/faqs/search": {"get": secured({
            "operationId": "searchFaqs", "summary": "Japanese search (normalised; 1–2 character words by substring); "
                                                    "logged under the random search session, never the caller",
            "parameters": [{**query("q", "The words"), "required": True},
                           query("session", "Search session id (8–64 of A-Z a-z 0-9 _ -); a new one if left out"),
                           query("limit", "1–100 (default 20)"), query("offset", "Default 0")],
            "responses": {"200": ok("{items: [{id, faq_id, question, ...}], total, session}")}}, 400, 403)},
        "/api/v1/faqs/{item_id}/used": {"post": secured({
            "operationId": "faqUsed", "summary": "The caller was answered with this item (teaches synonyms)",
            "parameters": [item_id], "requestBody": body({"type": "object", "required": ["session"],
                                                          "properties": {"session": {"type": "string"}}}),
            "responses": {"200": ok("{id, use_count}")}}, 403, 404, 422)},
        "/api/v1/faqs/export.csv": {"get": secured({
            "operationId": "exportFaqs", "summary": "The whole FAQ: UTF-8 with BOM, formula-safe cells",
            "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}},
            403)},
        "/api/v1/faqs/synonyms/proposals": {"get": secured({
            "operationId": "faqSynonymProposals", "responses": {"200": ok("Open proposals, most seen first",
                                                                          listing("FaqSynonymProposal"))}}, 403)},
        "/api/v1/faqs/synonyms/proposals/{proposal_id}/accept": {"post": secured({
            "operationId": "acceptFaqSynonym", "parameters": [proposal_id],
            "responses": {"200": ok("The synonym, used by the search from now on")}}, 403, 404)},
        "/api/v1/faqs/synonyms/proposals/{proposal_id}/dismiss": {"post": secured({
            "operationId": "dismissFaqSynonym", "parameters": [proposal_id],
            "responses": {"200": ok("The proposal; never proposed again")}}, 403, 404)},
        "/api/v1/faqs/synonyms": {"post": secured({
            "operationId": "addFaqSynonym", "requestBody": body({"type": "object", "required": ["term", "expands_to"],
                                                                  "properties": {"term": {"type": "string"},
                                                                                 "expands_to": {"type": "string"}}}),
            "responses": {"201": ok("The synonym")}}, 403, 422)},
        "/api/v1/faq-categories": {
            "get": secured({"operationId": "faqCategories", "responses": {"200": ok("Tree order",
                                                                                  listing("FaqCategory"))}}, 403),
            "post": secured({"operationId": "createFaqCategory",
                             "requestBody": body({"type": "object", "required": ["name"], "properties": {
                                 "name": {"type": "string", "maxLength": 100},
                                 "parent_id": {"type": ["integer", "null"]}}}),
                             "responses": {"201": ok("The category", ref("FaqCategory"))}}, 403, 422)},
        "/api/v1/faq-categories/{category_id}/copy": {"post": secured({
            "operationId": "copyFaqCategory", "summary": "Copy the category's subtree with its items (copies unpublished)",
            "parameters": [category_id], "requestBody": body({"type": "object", "properties": {
                "parent_id": {"type": ["integer", "null"]}}}),
            "responses": {"201": ok("The new category", ref("FaqCategory"))}}, 403, 404, 422)},
    }
