"""The compile-time policy: RestrictedPython's, plus no imports and guarded `**` / `*` (memory bombs)."""
from __future__ import annotations

import ast

from RestrictedPython import RestrictingNodeTransformer

FORBIDDEN_NAMES = frozenset({
    "open", "eval", "exec", "compile", "getattr", "setattr", "delattr", "globals", "locals", "vars", "dir",
    "input", "breakpoint", "exit", "quit", "help", "memoryview", "type", "object", "super", "classmethod",
    "staticmethod", "property", "print",
})


class SandboxPolicy(RestrictingNodeTransformer):
    def visit_Name(self, node):
        if node.id in FORBIDDEN_NAMES:
            self.error(node, f'"{node.id}" is not available in model scripts')
        return super().visit_Name(node)

    def visit_Import(self, node):
        self.error(node, "import is not allowed in model scripts")
        return node

    def visit_ImportFrom(self, node):
        self.error(node, "import is not allowed in model scripts")
        return node

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        guard = {ast.Pow: "_pow_", ast.Mult: "_mul_"}.get(type(node.op))
        if guard is None:
            return node
        func = ast.copy_location(ast.Name(id=guard, ctx=ast.Load()), node)
        call = ast.Call(func=func, args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))
