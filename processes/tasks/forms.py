"""A task form as the page renders it: the JSON Schema (forms/tasks/NAME.json) laid out by its UI hints
(forms/tasks/NAME.ui.json: field order, widgets, help texts, read-only and omitted fields, array rows taken from
the task's data, read-only panels of what is already known), filled with values and Japanese errors.

UI hint paths are dotted property paths; an array's item fields are written `path[].field`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from processes.calendar import JST
from processes.tasks.validation import load_form

WIDGETS = {"text", "textarea", "select", "radio", "checkbox", "tel", "date", "datetime", "number", "hidden"}


@dataclass
class FormNode:
    """One field (`kind` "field"), a group of fields ("group", a fieldset) or a list of rows ("array")."""

    kind: str
    path: str
    label: str
    required: bool = False
    widget: str = "text"
    value: object = None
    options: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    error: str = ""
    readonly: bool = False
    display: str = ""
    """The read-only value as people read it (option label, はい/いいえ, JST time)."""
    pattern: str = ""
    maxlength: int | None = None
    input_value: str = ""
    children: list["FormNode"] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return "f-" + self.path.replace(".", "-")


@dataclass
class ContextPanel:
    """Read-only data shown beside the form: a table of rows, or label/value pairs."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[list[str]]
    pairs: list[tuple[str, str]]


@dataclass
class FormModel:
    name: str
    title: str
    description: str
    nodes: list[FormNode]
    context: list[ContextPanel]
    errors: list[tuple[str, str, str]]
    """(html id to link to, label, message) for the error summary at the top."""


def load_ui_hints(forms_dir: Path, form: str) -> dict:
    """forms/tasks/NAME.ui.json beside NAME.json, or no hints at all."""
    path = Path(forms_dir) / "tasks" / (form.removesuffix(".json") + ".ui.json")
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def resolve(schema: dict, root: dict) -> dict:
    """A property schema with its `$ref` (to #/$defs) and `allOf` merged into one object schema."""
    if "$ref" in schema:
        target = root.get("$defs", {}).get(schema["$ref"].rsplit("/", 1)[-1], {})
        schema = {**resolve(target, root), **{k: v for k, v in schema.items() if k != "$ref"}}
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        properties, required = dict(merged.get("properties", {})), list(merged.get("required", []))
        for part in schema["allOf"]:
            part = resolve(part, root)
            properties.update(part.get("properties", {}))
            required += [r for r in part.get("required", []) if r not in required]
            merged.setdefault("type", part.get("type"))
        merged.update(properties=properties, required=required)
        schema = merged
    return schema


def hint_key(path: str) -> str:
    """`precheck_result.decisions.3.reason` → `precheck_result.decisions[].reason`."""
    return ".".join("[]" if part.isdigit() else part for part in path.split(".")).replace(".[]", "[]")


def lookup(data, path: str):
    for part in path.split(".") if path else []:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def to_form_value(value, schema: dict) -> str:
    """A JSON value as an HTML input's value (date-time in JST for datetime-local inputs)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(JST).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            return value
    return str(value)


def display_value(value, schema: dict, labels: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    names = labels or schema.get("x-labels") or {}
    if isinstance(value, str) and value in names:
        return names[value]
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(JST).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(display_value(v, {}, labels) for v in value) or "—"
    return str(value)


class FormBuilder:
    """Builds the render tree of one form for given values and errors."""

    def __init__(self, schema: dict, hints: dict, known: dict, values: dict, errors: dict[str, str],
                 vocabularies: dict[str, dict[str, str]]):
        self.root, self.hints, self.known, self.values, self.errors = schema, hints, known, values, errors
        self.fields_hints = hints.get("fields", {})
        self.readonly, self.omitted = set(hints.get("readonly", [])), set(hints.get("omit", []))
        self.vocabularies = vocabularies

    def build(self) -> list[FormNode]:
        return self._children(self.root, "")

    def _children(self, schema: dict, prefix: str) -> list[FormNode]:
        schema = resolve(schema, self.root)
        properties = schema.get("properties", {})
        order = self.hints.get("order", []) if not prefix else self.fields_hints.get(hint_key(prefix), {}).get("order", [])
        names = [n for n in order if n in properties] + [n for n in properties if n not in order]
        required = set(schema.get("required", []))
        nodes = []
        for name in names:
            path = f"{prefix}.{name}" if prefix else name
            if hint_key(path) in self.omitted:
                continue
            nodes.append(self._node(properties[name], path, name in required))
        return nodes

    def _node(self, schema: dict, path: str, required: bool) -> FormNode:
        title = schema.get("title")
        schema = resolve(schema, self.root)
        hint = self.fields_hints.get(hint_key(path), {})
        label = hint.get("label") or title or schema.get("title") or path.rsplit(".", 1)[-1]
        node = FormNode("field", path, label, required, help=hint.get("help", ""),
                        error=self.errors.get(path, ""), readonly=hint_key(path) in self.readonly)
        kind = schema.get("type")
        if kind == "object":
            node.kind, node.children = "group", self._children(schema, path)
            return node
        if kind == "array":
            node.kind = "array"
            node.children = [self._row(schema.get("items", {}), f"{path}.{i}", i) for i in range(self.row_count(path))]
            return node
        node.value = lookup(self.values, path)
        node.widget = hint.get("widget") or self._widget(schema)
        node.options = self._options(schema, hint)
        node.pattern, node.maxlength = schema.get("pattern", ""), schema.get("maxLength")
        node.display = display_value(node.value, schema, dict(node.options) or None)
        node.input_value = to_form_value(node.value, schema)
        return node

    def _row(self, item_schema: dict, path: str, index: int) -> FormNode:
        rows = self.row_source(path.rsplit(".", 1)[0])
        row = self._node({**item_schema, "type": "object"}, path, False)
        row.kind = "group"
        for child in _walk(row.children):
            child.required = False      # a row left blank is simply not submitted; a used row is checked on submit
        if rows is not None and index < len(rows[0]):
            source, source_hint = rows
            row.label = str(lookup(source[index], source_hint.get("label", source_hint["key"])) or "")
            for child in row.children:
                if child.path.endswith("." + source_hint["key"]):
                    child.readonly, child.value = True, lookup(source[index], source_hint["key"])
                    child.display = display_value(child.value, {})
        else:
            row.label = self.fields_hints.get(hint_key(path.rsplit(".", 1)[0]), {}).get("extra_label", "追加")
        return row

    def row_source(self, array_path: str):
        """The rows an array starts with, taken from known data (`rows_from`), and that hint."""
        source_hint = self.hints.get("rows_from", {}).get(hint_key(array_path))
        if not source_hint:
            return None
        rows = lookup(self.known, source_hint["source"]) or []
        if "skip" in source_hint:
            rows = [r for r in rows if lookup(r, source_hint["skip"]["key"]) not in source_hint["skip"]["values"]]
        return rows, source_hint

    def row_count(self, array_path: str) -> int:
        source = self.row_source(array_path)
        fixed = len(source[0]) if source else 0
        present = lookup(self.values, array_path)
        extra = self.fields_hints.get(hint_key(array_path), {}).get("extra_rows", 0 if source else 1)
        return max(fixed + extra, len(present) if isinstance(present, list) else 0)

    def _widget(self, schema: dict) -> str:
        if "enum" in schema:
            return "select"
        if schema.get("type") == "boolean":
            return "radio"
        if schema.get("type") in ("integer", "number"):
            return "number"
        if schema.get("format") == "date":
            return "date"
        if schema.get("format") == "date-time":
            return "datetime"
        if (schema.get("maxLength") or 0) > 200:
            return "textarea"
        return "text"

    def _options(self, schema: dict, hint: dict) -> list[tuple[str, str]]:
        if schema.get("type") == "boolean":
            return [("true", "はい"), ("false", "いいえ")]
        vocabulary = self.vocabularies.get(hint.get("options_from", ""), {})
        labels = schema.get("x-labels") or {}
        return [(str(v), vocabulary.get(v) or labels.get(v) or str(v)) for v in schema.get("enum", [])]


def context_panels(hints: dict, known: dict, vocabularies: dict[str, dict[str, str]]) -> list[ContextPanel]:
    """The read-only panels of what the case already holds (`context` in the UI hints)."""
    panels = []
    for panel in hints.get("context", []):
        formats = panel.get("formats", {})

        def show(key, value, formats=formats, panel=panel):
            vocabulary = vocabularies.get(formats.get(key, ""))
            return display_value(value, {}, vocabulary or panel.get("labels", {}).get(key))
        if "columns" in panel:
            rows = lookup(known, panel["source"]) or []
            if not isinstance(rows, list) or not rows:
                continue
            columns = list(panel["columns"].items())
            defaults = panel.get("defaults", {})
            body = [[show(key, _or(lookup(row, key), defaults.get(key))) for key, _ in columns]
                    for row in rows if isinstance(row, dict)]
            panels.append(ContextPanel(panel["title"], columns, body, []))
        else:
            pairs = [(label, show(key, lookup(known, key))) for key, label in panel.get("fields", {}).items()
                     if lookup(known, key) not in (None, "", [])]
            if pairs:
                panels.append(ContextPanel(panel["title"], [], [], pairs))
    return panels


def _or(value, default):
    return default if value is None else value


def build_form(forms_dir: Path, form: str, known: dict, values: dict, errors: dict[str, str],
               vocabularies: dict[str, dict[str, str]]) -> FormModel:
    """The whole page model: the form's fields with `values` (or what is known), context panels, error summary."""
    schema, hints = load_form(forms_dir, form), load_ui_hints(forms_dir, form)
    builder = FormBuilder(schema, hints, known, values, errors, vocabularies)
    nodes = builder.build()
    labels = {n.path: (n.html_id, n.label) for n in _walk(nodes)}
    summary = []
    for path, message in errors.items():
        target = path
        while target and target not in labels:
            target = target.rpartition(".")[0]
        html_id, label = labels.get(target, ("form-errors", "入力内容"))
        summary.append((html_id, label, message))
        if target and target != path:
            node = next(n for n in _walk(nodes) if n.path == target)
            node.error = node.error or message
    return FormModel(form, schema.get("title", ""), schema.get("description", ""), nodes,
                     context_panels(hints, known, vocabularies), summary)


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)
