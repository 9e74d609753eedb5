"""FEEL syntax: tokens to a small tuple AST, for expressions and for unary tests (decision table input entries).

Expressions: literals, names (with spaces), `?`, paths `a.b`, filters `l[1]` / `l[item > 2]`, calls, `- + * / **`,
comparisons, `between`, `in`, `and` / `or`, `if then else`, lists `[1, 2]` and contexts `{a: 1}`.
Unary tests: `-`, `not(...)`, and comma-separated `< e`, `<= e`, `> e`, `>= e`, `= e`, `!= e`, intervals
`[a..b]` `(a..b)` `]a..b[`, or any expression (compared with the input, or a boolean if it uses `?`).
"""
from __future__ import annotations

from decimal import Decimal

from .errors import FeelSyntaxError
from .lexer import Token, tokenize

NAME_BREAKS = frozenset({"and", "or", "if", "then", "else", "between", "in", "instance", "satisfies", "return",
                         "true", "false", "null", "not"})
_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_PYTHON_WORDS = {"True": "true", "False": "false", "None": "null"}


def _error(token: Token, en: str, ja: str) -> FeelSyntaxError:
    return FeelSyntaxError(f"{en} at position {token.pos}", ja, token.pos)


class _Parser:
    def __init__(self, text: str, known_names):
        self.text = text
        self.tokens = tokenize(text, known_names)
        self.i = 0
        self.interval_end = False
        """parsing the upper bound of an interval, where `[` closes (`]1..5[`) instead of filtering"""

    # token helpers ----------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, value: str | None = None, offset: int = 0) -> bool:
        t = self.tokens[min(self.i + offset, len(self.tokens) - 1)]
        return t.kind == kind and (value is None or t.value == value)

    def at_word(self, word: str) -> bool:
        return self.at("name", word)

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, value: str, ja: str) -> Token:
        if not self.at(kind, value):
            raise self.unexpected(ja)
        return self.take()

    def unexpected(self, ja_expected: str | None = None) -> FeelSyntaxError:
        t = self.tok
        shown = t.value if t.kind != "str" else f'"{t.value}"'
        if t.kind == "end":
            ja = "式が途中で終わっています" + (f"（{ja_expected}が必要です）" if ja_expected else "")
            return _error(t, "unexpected end of expression", ja)
        ja = f"「{shown}」の位置が正しくありません" + (f"（{ja_expected}が必要です）" if ja_expected else "")
        return _error(t, f"unexpected {shown!r}", ja)

    def finish(self, node):
        if not self.at("end"):
            raise self.unexpected()
        return node

    # expressions ------------------------------------------------------------------------------------------
    def expression(self):
        if self.at_word("if"):
            self.take()
            condition = self.expression()
            self.expect("name", "then", "「then」")
            then = self.expression()
            self.expect("name", "else", "「else」")
            return ("if", condition, then, self.expression())
        return self.disjunction()

    def disjunction(self):
        node = self.conjunction()
        while self.at_word("or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.comparison()
        while self.at_word("and"):
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self):
        node = self.additive()
        if self.at("op") and self.tok.value in _COMPARISONS:
            op = self.take().value
            return ("cmp", op, node, self.additive())
        if self.at_word("between"):
            self.take()
            low = self.additive()
            self.expect("name", "and", "「and」")
            return ("between", node, low, self.additive())
        if self.at_word("in"):
            self.take()
            if self.at("op", "(") and not self._interval_ahead():
                self.take()
                tests = self.positive_tests()
                self.expect("op", ")", "「)」")
            else:
                tests = [self.positive_test()]
            return ("in", node, tests)
        return node

    def additive(self):
        node = self.multiplicative()
        while self.at("op") and self.tok.value in ("+", "-"):
            op = self.take().value
            node = ("arith", op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.power()
        while self.at("op") and self.tok.value in ("*", "/"):
            op = self.take().value
            node = ("arith", op, node, self.power())
        return node

    def power(self):
        node = self.unary()
        while self.at("op", "**"):
            self.take()
            node = ("arith", "**", node, self.unary())
        return node

    def unary(self):
        if self.at("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while True:
            if self.at("op", "."):
                self.take()
                if not self.at("name"):
                    raise self.unexpected("「.」のあとに名前")
                node = ("path", node, self.name())
            elif self.at("op", "[") and not self.interval_end:
                self.take()
                node = ("filter", node, self.expression())
                self.expect("op", "]", "「]」")
            elif self.at("op", "(") and node[0] == "name":
                self.take()
                args = [] if self.at("op", ")") else self.arguments()
                self.expect("op", ")", "「)」")
                node = ("call", node[1], args)
            else:
                return node

    def arguments(self) -> list:
        args = [self.expression()]
        while self.at("op", ","):
            self.take()
            args.append(self.expression())
        return args

    def name(self) -> str:
        """One name: words in a row, joined by single spaces, up to a keyword or a symbol."""
        words = [self.take().value]
        while self.at("name") and self.tok.value not in NAME_BREAKS:
            words.append(self.take().value)
        return " ".join(words)

    def primary(self):
        t = self.tok
        if t.kind == "num":
            self.take()
            return ("const", Decimal(t.value) if "." in t.value else int(t.value))
        if t.kind == "str":
            self.take()
            return ("const", t.value)
        if t.kind == "name":
            return self.named(t)
        if t.kind == "op":
            if t.value == "?":
                self.take()
                return ("input",)
            if t.value == "(":
                self.take()
                node = self.expression()
                self.expect("op", ")", "「)」")
                return node
            if t.value == "[":
                self.take()
                items = [] if self.at("op", "]") else self.arguments()
                self.expect("op", "]", "「]」")
                return ("list", items)
            if t.value == "{":
                return self.context()
        raise self.unexpected()

    def named(self, t: Token):
        if t.value in ("true", "false"):
            self.take()
            return ("const", t.value == "true")
        if t.value == "null":
            self.take()
            return ("const", None)
        if t.value == "if":
            return self.expression()
        if t.value in _PYTHON_WORDS:
            raise _error(t, f"{t.value} is Python, not FEEL",
                         f"「{t.value}」は Python の書き方です。FEEL では「{_PYTHON_WORDS[t.value]}」と書いてください")
        if t.value == "not" and not self.at("op", "(", 1):
            raise _error(t, "not needs parentheses", "否定は「not(...)」のように括弧で書いてください")
        if t.value in NAME_BREAKS and t.value != "not":
            raise self.unexpected()
        return ("name", self.name())

    def context(self):
        self.take()
        entries = []
        while not self.at("op", "}"):
            if self.at("str"):
                key = self.take().value
            elif self.at("name"):
                key = self.name()
            else:
                raise self.unexpected("項目名")
            self.expect("op", ":", "「:」")
            entries.append((key, self.expression()))
            if not self.at("op", ","):
                break
            self.take()
        self.expect("op", "}", "「}」")
        return ("context", entries)

    # unary tests ------------------------------------------------------------------------------------------
    def unary_tests(self):
        if self.at("op", "-") and self.at("end", offset=1):
            return ("any",)
        if self.at_word("not") and self.at("op", "(", 1) and self._closes_at_end(self.i + 1):
            self.take()
            self.take()
            tests = self.positive_tests()
            self.expect("op", ")", "「)」")
            return self.finish(("not", tests))
        return self.finish(("tests", self.positive_tests()))

    def positive_tests(self) -> list:
        tests = [self.positive_test()]
        while self.at("op", ","):
            self.take()
            tests.append(self.positive_test())
        return tests

    def positive_test(self):
        if self.at("op") and self.tok.value in _COMPARISONS:
            op = self.take().value
            return ("t_cmp", op, self.additive())
        if self.at("op") and self.tok.value in ("[", "(", "]") and self._interval_ahead():
            return self.interval()
        return ("t_expr", self.expression())

    def interval(self):
        opener = self.take().value
        low = self.additive()
        self.expect("op", "..", "「..」")
        self.interval_end = True
        try:
            high = self.additive()
        finally:
            self.interval_end = False
        if not (self.at("op") and self.tok.value in ("]", ")", "[")):
            raise self.unexpected("範囲を閉じる「]」「)」「[」")
        closer = self.take().value
        return ("t_interval", opener == "[", low, high, closer == "]")

    def _interval_ahead(self) -> bool:
        """Whether the bracket at the cursor opens an interval (`..` before its closing bracket)."""
        depth = 0
        for t in self.tokens[self.i + 1:]:
            if t.kind == "end":
                return False
            if t.kind != "op":
                continue
            if t.value in ("(", "[", "{"):
                depth += 1
            elif t.value in (")", "]", "}"):
                if depth == 0:
                    return False
                depth -= 1
            elif depth == 0 and t.value in ("..", ","):
                return t.value == ".."
        return False

    def _closes_at_end(self, open_index: int) -> bool:
        depth = 0
        for j in range(open_index, len(self.tokens)):
            t = self.tokens[j]
            if t.kind == "op" and t.value in ("(", "[", "{"):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return self.tokens[j + 1].kind == "end"
        return False


def parse_expression(text: str, known_names=()):
    parser = _Parser(text, known_names)
    if parser.at("end"):
        raise _error(parser.tok, "empty expression", "式が空です")
    return parser.finish(parser.expression())


def parse_unary_tests(text: str, known_names=()):
    parser = _Parser(text, known_names)
    if parser.at("end"):
        return ("any",)
    return parser.unary_tests()
