"""One procedure of the catalogue as a form, and the form back into the catalogue's YAML.

The fields come from the `Procedure` dataclass (processes/okuyami/catalogue.py), so a field added there (say
`templates`) appears here without a change: its widget follows its type (text, choice, list of lines, a counter
per ward, date). Writing back replaces that one entry in the catalogue text and keeps every other entry, and
every key this form does not know, as it was.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import date
from typing import Mapping

import yaml

from processes.departments import DEPARTMENTS
from processes.okuyami.catalogue import Procedure
from processes.okuyami.catalogue_validation import CATEGORIES, FIELD_LABELS, HANDLING_LABELS, OPTIONAL_ENTRY_FIELDS
from processes.wards import load_wards

LONG_TEXT_FIELDS = frozenset({"explanation"})
READ_ONLY_FIELDS = frozenset({"id"})
NOT_IN_FORM = frozenset({"form_conditions"})
"""Edited in the catalogue's YAML; the form keeps them as they are (as every key it does not know)."""
TEMPLATE_FIELDS = frozenset({"forms"})
"""Chosen from the form templates by their titles (a checkbox each), stored as the templates' names."""
CHOICES: dict[str, list[tuple[str, str]]] = {
    "category": [(c, c) for c in CATEGORIES],
    "department": [(code, name) for code, name in DEPARTMENTS.items()],
    "handling": [(code, label) for code, label in HANDLING_LABELS.items()],
}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: str
    """text, textarea, choice, lines, templates, counters, date"""
    required: bool
    choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def _widget(name: str, hint) -> tuple[str, bool]:
    """The widget for a field's type, and whether a value is required."""
    args = typing.get_args(hint)
    optional = type(None) in args
    base = next((a for a in args if a is not type(None)), hint) if optional else hint
    origin = typing.get_origin(base) or base
    if name in CHOICES:
        return "choice", not optional
    if name in TEMPLATE_FIELDS:
        return "templates", not optional
    if origin in (tuple, list):
        return "lines", not optional
    if origin in (dict, Mapping) or origin is typing.Mapping or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return "counters", not optional
    if base is date:
        return "date", not optional
    return ("textarea" if name in LONG_TEXT_FIELDS else "text"), not optional


def entry_fields() -> list[FormField]:
    hints = typing.get_type_hints(Procedure)
    out = []
    for f in dataclasses.fields(Procedure):
        if f.name in NOT_IN_FORM:
            continue
        widget, required = _widget(f.name, hints[f.name])
        required = required and f.name not in OPTIONAL_ENTRY_FIELDS and f.name not in READ_ONLY_FIELDS
        out.append(FormField(f.name, FIELD_LABELS.get(f.name, f.name), widget, required, CHOICES.get(f.name, [])))
    return out


# ------------------------------------------------------------------------------------------- entry <-> form values
def form_values(raw_entry: dict) -> dict[str, object]:
    """What the form shows for an entry of the YAML (strings, lines joined, counters per ward)."""
    values: dict[str, object] = {}
    for field in entry_fields():
        value = raw_entry.get(field.name)
        if field.widget == "lines":
            values[field.name] = "\n".join(str(v) for v in value or [])
        elif field.widget == "templates":
            values[field.name] = [str(v) for v in value or []] if isinstance(value, (list, tuple)) else []
        elif field.widget == "counters":
            values[field.name] = {str(k): str(v) for k, v in (value or {}).items()} if isinstance(value, dict) else {}
        elif value is None:
            values[field.name] = ""
        else:
            values[field.name] = value.isoformat() if isinstance(value, date) else str(value)
    return values


def entry_from_form(form: Mapping[str, str], procedure_id: str) -> dict[str, object]:
    """The YAML entry a submitted form describes. Nothing is checked here: the catalogue's own validation
    (validate_catalogue_text) names every problem by entry and field."""
    entry: dict[str, object] = {}
    for field in entry_fields():
        if field.name in READ_ONLY_FIELDS:
            entry[field.name] = procedure_id
        elif field.widget == "lines":
            entry[field.name] = [line.strip() for line in form.get(field.name, "").splitlines() if line.strip()]
        elif field.widget == "templates":
            chosen = form.getlist(field.name) if hasattr(form, "getlist") else form.get(field.name, "").split()
            entry[field.name] = list(dict.fromkeys(name.strip() for name in chosen if name.strip()))
        elif field.widget == "counters":
            entry[field.name] = {ward: form.get(f"{field.name}.{ward}", "").strip() for ward in load_wards()}
        elif field.widget == "date":
            text = form.get(field.name, "").strip()
            entry[field.name] = _date_or_text(text) if text else None
        else:
            entry[field.name] = form.get(field.name, "").strip()
    return entry


def _date_or_text(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text  # kept as written: the catalogue's validation reports it with its field


# ------------------------------------------------------------------------------------------- the catalogue text
def load_document(text: str) -> dict:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("procedures"), list):
        raise ValueError("the catalogue text has no procedures list")
    return document


def raw_entry(document: dict, procedure_id: str) -> dict | None:
    return next((e for e in document["procedures"] if isinstance(e, dict) and e.get("id") == procedure_id), None)


def replace_entry(text: str, procedure_id: str, entry: dict, version_label: str | None = None) -> str:
    """The catalogue text with one entry replaced (keys this form does not know are kept) and, when given, the
    catalogue's version label changed."""
    document = load_document(text)
    old = raw_entry(document, procedure_id)
    if old is None:
        raise KeyError(procedure_id)
    merged = {**entry, **{k: v for k, v in old.items() if k not in entry}}
    document["procedures"] = [merged if e is old else e for e in document["procedures"]]
    if version_label:
        document["version"] = version_label
    header = "# 手続カタログ（カタログ編集画面で保存）。項目の説明はリポジトリの catalogue.yaml を参照してください。\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=4096)
