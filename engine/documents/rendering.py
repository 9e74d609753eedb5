"""docx templates (docxtpl) rendered safely, and the fields a template asks for.

Templates are uploaded by process owners, so they are untrusted: they are rendered by a Jinja
SandboxedEnvironment (no attribute starting with `_`, no unsafe callables: a template cannot reach Python
internals) with autoescape (data such as `&` or `<` becomes XML entities instead of breaking the document), a
StrictUndefined (a field the data does not have is an error, never a silent blank) and a finalizer that prints
None as nothing (a known field without a value is an empty box, never "None").
"""
from __future__ import annotations

import io
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Mapping

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..safe_xml import DtdRefused, refuse_dtd_in_package
from .errors import TemplateRejected
from .images import DocxImage

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _blank_none(value):
    return "" if value is None else value


MAX_REPEAT = 100_000
"""The longest text or list `*` may build in a template (`{{ name * 1000000 }}` is refused at once)."""


class _SandboxWithCache(SandboxedEnvironment):
    """docxtpl compiles each part of a document (body, headers, properties) with from_string on every render;
    the same source compiles to the same template, so compiled templates are kept (by source, a bounded LRU)."""

    CACHE_SIZE = 512
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) and \
                        len(sequence) * max(count, 0) > MAX_REPEAT:
                    raise TemplateRejected(f"repetition longer than {MAX_REPEAT}", [
                        f"「*」で {MAX_REPEAT:,} 文字（項目）を超える繰り返しは作れません。"])
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(right) > 64:
            raise TemplateRejected("power too large", ["「**」のべき乗が大きすぎます。"])
        return super().call_binop(context, operator, left, right)

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=_blank_none)
        self._compiled: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            template = self._compiled.get(source)
            if template is not None:
                self._compiled.move_to_end(source)
                return template
        template = super().from_string(source)
        with self._lock:
            self._compiled[source] = template
            while len(self._compiled) > self.CACHE_SIZE:
                self._compiled.popitem(last=False)
        return template


_environment = _SandboxWithCache()


def template_environment() -> SandboxedEnvironment:
    """The one sandbox every template renders in (thread-safe; compiled sources are cached)."""
    return _environment


def _open(template: bytes) -> DocxTemplate:
    if len(template) > MAX_TEMPLATE_BYTES:
        raise TemplateRejected("template too large", [f"ファイルが大きすぎます（上限 {MAX_TEMPLATE_BYTES // 1024 // 1024} MB）。"])
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            refuse_dtd_in_package(archive)
    except zipfile.BadZipFile as exc:
        raise TemplateRejected(f"not a docx file: {exc}", ["Word 形式（.docx）のファイルとして開けません。"]) from exc
    except DtdRefused as exc:
        raise TemplateRejected(f"template part declares a DTD: {exc.part}", [str(exc) + "。"]) from exc
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.init_docx()
        return document
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateRejected(f"not a docx file: {exc}", ["Word 形式（.docx）のファイルとして開けません。"]) from exc


def render_docx(template: bytes, context: Mapping) -> bytes:
    """The filled document, made in a bounded process (time, memory, output size: see bounded.py). Raises
    TemplateRejected (with Japanese reasons) for a template that breaks a rule or a bound."""
    from .bounded import render_bounded  # bounded imports this module's renderer for its worker

    return render_bounded(template, context)


def render_in_this_process(template: bytes, context: Mapping) -> bytes:
    """The filled document, rendered here without a time or memory bound: for the rendering worker."""
    document = _open(template)
    try:
        document.render(_with_images(document, context), jinja_env=template_environment(), autoescape=True)
    except SecurityError as exc:
        raise TemplateRejected(f"template broke the sandbox: {exc}",
                               ["テンプレートに使用できない記述（内部情報への参照）が含まれています。"]) from exc
    except UndefinedError as exc:
        raise TemplateRejected(f"template asks for an unknown field: {exc}",
                               [f"テンプレートが存在しない項目を参照しています（{exc.message}）。"]) from exc
    except TemplateError as exc:
        raise TemplateRejected(f"template syntax error: {exc}",
                               [f"テンプレートの差し込み記述に誤りがあります（{exc}）。"]) from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_images(document: DocxTemplate, node):
    """The context with every DocxImage made an InlineImage of this document."""
    if isinstance(node, DocxImage):
        return InlineImage(document, io.BytesIO(node.png), width=Mm(node.width_mm))
    if isinstance(node, Mapping):
        return {key: _with_images(document, value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [_with_images(document, value) for value in node]
    return node


# ------------------------------------------------------------------------------------------------ fields asked for
def template_source(template: bytes) -> str:
    """The Jinja source of the body, headers and footers, as docxtpl will render it."""
    document = _open(template)
    docx = document.docx
    xml = document.patch_xml(document.xml_to_string(docx._element.body))
    for relation in docx._part.rels.values():
        if relation.reltype in (document.HEADER_URI, document.FOOTER_URI) and relation.target_part.blob:
            xml += document.patch_xml(document.xml_to_string(parse_xml(relation.target_part.blob)))
    return xml


def template_fields(template: bytes) -> set[str]:
    """Every field path the template reads: `deceased.name`, and `procedures[].name` for a loop over a list."""
    try:
        tree = template_environment().parse(template_source(template))
    except TemplateError as exc:
        raise TemplateRejected(f"template syntax error: {exc}",
                               [f"テンプレートの差し込み記述に誤りがあります（{exc}）。"]) from exc
    found: set[str] = set()
    _walk(tree, {}, found)
    return found


def _path(node: nodes.Node, aliases: dict[str, str | None]) -> str | None:
    """`a.b.c` for a chain of attribute / constant-subscript reads on a name; None for anything else."""
    parts = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            if node.name in aliases:
                base = aliases[node.name]
                if base is None:
                    return None
                parts.append(base)
            else:
                parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def _walk(node: nodes.Node, aliases: dict[str, str | None], found: set[str]) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, aliases, found)
        iterated = _path(node.iter, aliases)
        inner = dict(aliases)
        for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
            inner[target.name] = f"{iterated}[]" if iterated and isinstance(node.target, nodes.Name) else None
        inner["loop"] = None
        for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
            _walk(child, inner, found)
        return
    if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
        _walk(node.node, aliases, found)
        aliases[node.target.name] = None
        return
    if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _path(node, aliases)
        if path is not None:
            found.add(path)
            return
        if isinstance(node, nodes.Name):
            return
    for child in node.iter_child_nodes():
        _walk(child, aliases, found)
