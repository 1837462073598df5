"""IAM condition expressions (a CEL subset): does a conditional binding reach a given resource?

Only resource attributes narrow a grant: ``resource.name`` / ``resource.type`` /
``resource.service`` compared with ``==`` / ``!=`` or tested with ``startsWith`` / ``endsWith`` /
``contains``, joined by ``&&`` / ``||`` / ``!`` and parentheses. Request attributes
(``request.time``, ``request.host``, ``request.path``, access levels ...) describe the caller or
the moment, not the resource, so a term on them is taken as satisfiable: the grant applies to the
resource at some time, for some request. Anything else cannot be parsed and the caller records the
fact as unknown. Reference: https://cloud.google.com/iam/docs/conditions-attribute-reference
"""

from __future__ import annotations

import re
from collections.abc import Mapping

RESOURCE_ATTRIBUTES = ("resource.name", "resource.type", "resource.service")
_TOKEN = re.compile(
    r"\s*(?:(?P<str>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|(?P<op>&&|\|\||==|!=|<=|>=|[!()<>,.])"
    r"|(?P<num>\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][A-Za-z0-9_]*))"
)
_STRING_TESTS = {
    "startsWith": str.startswith,
    "endsWith": str.endswith,
    "contains": str.__contains__,
}


class Unparseable(ValueError):
    """The expression uses syntax or attributes ztscan does not evaluate."""


def _tokens(expression: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos, text = 0, expression.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unparseable(f"unexpected text at {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    """Recursive descent over ``or := and ('||' and)*``, ``and := unary ('&&' unary)*``."""

    def __init__(self, expression: str, resource: Mapping[str, str]) -> None:
        self.tokens = _tokens(expression)
        self.pos = 0
        self.resource = resource

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise Unparseable("expression ends early")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise Unparseable(f"expected {expected!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def parse(self) -> bool:
        value = self._or()
        if self.pos != len(self.tokens):
            raise Unparseable(f"unexpected {self._peek()!r}")
        return value

    def _or(self) -> bool:
        value = self._and()
        while self._peek() == "||":
            self._take()
            value = self._and() or value
        return value

    def _and(self) -> bool:
        value = self._unary()
        while self._peek() == "&&":
            self._take()
            value = self._unary() and value
        return value

    def _unary(self) -> bool:
        if self._peek() == "!":
            self._take()
            start = self.pos
            value = self._unary()
            # "not (request.time < t)" is as satisfiable as the term itself.
            return True if self._request_only(start) else not value
        if self._peek() == "(":
            self._take()
            value = self._or()
            self._take(")")
            return value
        return self._term()

    def _request_only(self, start: int) -> bool:
        names = [v for k, v in self.tokens[start:self.pos] if k == "id"]
        return bool(names) and names[0] == "request"

    def _path(self) -> str:
        kind, name = self._take()
        if kind != "id":
            raise Unparseable(f"expected an attribute, found {name!r}")
        parts = [name]
        while self._peek() == "." and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1][0] == "id":
            self._take()
            parts.append(self._take()[1])
        return ".".join(parts)

    def _literal(self) -> str:
        kind, value = self._take()
        if kind != "str":
            raise Unparseable(f"expected a string, found {value!r}")
        return value[1:-1]

    def _skip_operand(self) -> None:
        """A request-side operand: a literal, an attribute or a call such as timestamp('...')."""
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "id":
            self._path()
            if self._peek() == "(":
                self._skip_call()
        else:
            self._take()

    def _term(self) -> bool:
        path = self._path()
        if path.startswith("request.") or path == "request":
            self._request_tail()
            return True
        method = None
        if path.rsplit(".", 1)[-1] in _STRING_TESTS and path.rsplit(".", 1)[0] in RESOURCE_ATTRIBUTES:
            path, method = path.rsplit(".", 1)
        if path not in RESOURCE_ATTRIBUTES:
            raise Unparseable(f"attribute {path!r} is not evaluated")
        actual = self.resource.get(path, "")
        if method is not None:
            self._take("(")
            expected = self._literal()
            self._take(")")
            return _STRING_TESTS[method](actual, expected)
        op = self._take()[1]
        if op not in ("==", "!="):
            raise Unparseable(f"operator {op!r} on {path}")
        expected = self._literal()
        return (actual == expected) if op == "==" else (actual != expected)

    def _request_tail(self) -> None:
        """Consume the rest of a request-attribute term: a call, a comparison, or nothing."""
        if self._peek() == "(":
            self._skip_call()
        if self._peek() in ("==", "!=", "<", ">", "<=", ">="):
            self._take()
            self._skip_operand()

    def _skip_call(self) -> None:
        depth = 0
        while True:
            _, value = self._take()
            depth += {"(": 1, ")": -1}.get(value, 0)
            if depth == 0:
                return


def reaches(expression: str, resource: Mapping[str, str]) -> bool:
    """Whether a binding with this condition grants its role on ``resource`` (attribute -> value).
    Raises ``Unparseable`` for expressions outside the evaluated subset."""
    if not expression.strip():
        return True
    return _Parser(expression, resource).parse()

