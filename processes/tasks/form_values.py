"""From a posted HTML form (field names are dotted schema paths) to the JSON a task is completed with, and back:
the values a form opens with (a draft, else what the task already knows)."""
from __future__ import annotations

from datetime import datetime

from processes.calendar import JST
from processes.tasks.forms import FormBuilder, hint_key, lookup, resolve

MAX_ROWS = 200
"""More rows than any form offers: a post naming row 10**9 does not allocate a billion rows."""


def _scalar(raw: str | None, schema: dict, widget: str):
    """One posted input as JSON: empty → None; a value that cannot be read stays a string for the schema to flag."""
    if widget == "checkbox":
        return raw is not None
    if raw is None:
        return None
    raw = raw.strip()
    if raw == "":
        return None
    kind = schema.get("type")
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind in ("integer", "number"):
        try:
            return int(raw) if kind == "integer" else float(raw)
        except ValueError:
            return raw
    if schema.get("format") == "date-time":
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        return (moment if moment.tzinfo else moment.replace(tzinfo=JST)).isoformat()
    return raw


def read_posted(builder: FormBuilder, form) -> dict:
    """The posted form (a MultiDict) as a JSON object shaped by the schema. Read-only and omitted fields are
    not taken from the post: read-only ones come from what the task already knows."""
    return _object(builder, builder.root, "", form) or {}


def _object(builder: FormBuilder, schema: dict, prefix: str, form) -> dict | None:
    schema = resolve(schema, builder.root)
    required = set(schema.get("required", []))
    result = {}
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        key = hint_key(path)
        if key in builder.omitted:
            continue
        if key in builder.readonly:
            value = lookup(builder.known, path)
        else:
            value = _value(builder, sub, path, form)
        if value is None and name in required and resolve(sub, builder.root).get("type") == "object":
            value = {}          # a required group left empty: each of its own required fields is named
        if value is not None:
            result[name] = value
    return result or None


def _value(builder: FormBuilder, schema: dict, path: str, form):
    schema = resolve(schema, builder.root)
    kind = schema.get("type")
    if kind == "object":
        return _object(builder, schema, path, form)
    if kind == "array":
        return _array(builder, schema, path, form)
    widget = builder.fields_hints.get(hint_key(path), {}).get("widget", "")
    return _scalar(form.get(path), schema, widget)


def _array(builder: FormBuilder, schema: dict, path: str, form) -> list:
    """Rows at their positions on the form (a blank row is an empty object, dropped by `submission`). A row made
    from known data takes its key from there, not from the post."""
    source = builder.row_source(path)
    indices = {int(k[len(path) + 1:].split(".", 1)[0]) for k in form.keys()
               if k.startswith(path + ".") and k[len(path) + 1:].split(".", 1)[0].isdigit()}
    item_schema = resolve(schema.get("items", {}), builder.root)
    items: list = [{} for _ in range(max(indices) + 1)] if indices else []
    for index in sorted(indices):
        if index >= MAX_ROWS:
            break
        row = _object(builder, item_schema, f"{path}.{index}", form) or {}
        if source is not None:
            rows, hint = source
            row.pop(hint["key"], None)
            if row and index < len(rows):
                row[hint["key"]] = lookup(rows[index], hint["key"])
        items[index] = row
    return items[:MAX_ROWS]


def submission(values: dict) -> tuple[dict, dict[str, str]]:
    """The form's values as the task is completed with them: blank rows dropped. Also returns where each kept
    row sits on the form (`a.b.0` → `a.b.2`), so that errors find their field again."""
    moved: dict[str, str] = {}

    def clean(value, data_path: str, form_path: str):
        if isinstance(value, dict):
            return {k: clean(v, f"{data_path}.{k}" if data_path else k, f"{form_path}.{k}" if form_path else k)
                    for k, v in value.items()}
        if isinstance(value, list):
            kept = []
            for index, item in enumerate(value):
                if item in ({}, None):
                    continue
                new_path, old_path = f"{data_path}.{len(kept)}", f"{form_path}.{index}"
                if new_path != old_path:
                    moved[new_path] = old_path
                kept.append(clean(item, new_path, old_path))
            return kept
        return value

    return clean(values, "", ""), moved


def form_path(field: str, moved: dict[str, str]) -> str:
    """An error's field (a path in the submitted data) as the path of the field on the form."""
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in moved:
            return ".".join([moved[prefix], *parts[end:]])
    return field


def initial_values(builder: FormBuilder, prefill: dict | None = None) -> dict:
    """What the form opens with when there is no draft: the schema's fields the task already knows, plus
    `prefill` (e.g. the case's ward) for fields it does not."""
    known = {**(prefill or {}), **builder.known}
    properties = resolve(builder.root, builder.root).get("properties", {})
    return {name: known[name] for name in properties if known.get(name) not in (None, "")}
