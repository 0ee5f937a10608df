"""X-Ray filter expressions (GetTraceSummaries FilterExpression), parsed and evaluated on a Trace.

Supported: `ok`, `error`, `fault`, `throttle`; `responsetime`, `duration`, `http.status` with `= != < <= > >=`;
`http.url`, `http.method`, `http.useragent`, `http.clientip` with `= !=` or `CONTAINS`, `BEGINSWITH`,
`ENDSWITH`; `annotation.key` / `annotation[key]` against strings, numbers and booleans; `service("x")`,
`service(id(name: "x", type: "AWS::Lambda::Function"))`, `id(name: "x")`; `AND`, `OR`, `NOT`, `!`, `&&`,
`||` and parentheses. Anything else raises FilterExpressionError naming the expression.

Example:
    >>> e = compile_filter_expression('service(id(name: "orders")) AND annotation.tenant = "acme"')
    >>> e.source
    'service(id(name: "orders")) AND annotation.tenant = "acme"'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from fogbank.cloud.telemetry.xray_traces import Trace

__all__ = ["FilterExpression", "FilterExpressionError", "compile_filter_expression"]

Predicate = Callable[[Trace], bool]


class FilterExpressionError(ValueError):
    """A filter expression that does not parse; the message names the expression and the problem."""

    def __init__(self, expression: str, problem: str) -> None:
        super().__init__(f"Invalid filter expression {expression!r}: {problem}")


@dataclass(frozen=True)
class FilterExpression:
    source: str
    matches: Predicate


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
    | (?P<op>!=|<=|>=|==|=|<|>|&&|\|\||!)
    | (?P<punct>[(){}:,])
    | (?P<word>[A-Za-z_][\w.\-]*(?:\[[^\]]+\])?)
    )""",
    re.VERBOSE,
)
_NUMERIC_KEYS = {"responsetime", "duration", "http.status"}
_STRING_KEYS = {"http.url", "http.method", "http.useragent", "http.clientip"}
_FLAGS = {"ok", "error", "fault", "throttle", "partial"}
_STRING_OPS = {"=", "!=", "CONTAINS", "BEGINSWITH", "ENDSWITH"}


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        if not (isinstance(expected, bool) and isinstance(actual, bool)):
            return False
        return (actual == expected) if op == "=" else (actual != expected) if op == "!=" else False
    if isinstance(expected, (int, float)):
        if not isinstance(actual, (int, float)):
            return False
        numeric = {
            "=": actual == expected,
            "!=": actual != expected,
            "<": actual < expected,
            "<=": actual <= expected,
            ">": actual > expected,
            ">=": actual >= expected,
        }
        return bool(numeric.get(op, False))
    if not isinstance(actual, str):
        return False
    textual = {
        "=": actual == expected,
        "!=": actual != expected,
        "CONTAINS": expected in actual,
        "BEGINSWITH": actual.startswith(expected),
        "ENDSWITH": actual.endswith(expected),
    }
    return bool(textual.get(op, False))


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda trace: a(trace) or b(trace)


def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda trace: a(trace) and b(trace)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(source):
            if not source[position:].strip():
                break
            match = _TOKEN.match(source, position)
            if match is None or match.end() == position:
                raise FilterExpressionError(source, f"unexpected {source[position:].strip()[:20]!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0

    def fail(self, problem: str) -> NoReturn:
        raise FilterExpressionError(self.source, problem)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            self.fail(
                f"it ends where {text!r} was expected"
                if text
                else "it ends too early (a value or operand is missing)"
            )
        if text is not None and token[1].upper() != text.upper():
            self.fail(f"expected {text!r} but found {token[1]!r}")
        self.index += 1
        return token

    def accept(self, *texts: str) -> str | None:
        token = self.peek()
        if token is not None and token[1].upper() in texts:
            self.index += 1
            return token[1].upper()
        return None

    # expression := and (OR and)* ; and := unary (AND unary)* ; unary := NOT unary | primary
    def expression(self) -> Predicate:
        left = self.conjunction()
        while self.accept("OR", "||"):
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Predicate:
        left = self.unary()
        while self.accept("AND", "&&"):
            left = _both(left, self.unary())
        return left

    def unary(self) -> Predicate:
        if self.accept("NOT", "!"):
            inner = self.unary()
            return lambda t: not inner(t)
        if self.accept("("):
            inner = self.expression()
            self.take(")")
            return inner
        return self.primary()

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "number":
            return float(text)
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        self.fail(f"expected a value but found {text!r}")

    def operator(self, allowed: set[str]) -> str:
        token = self.take()
        op = "=" if token[1] == "==" else token[1].upper()
        if op not in allowed:
            self.fail(f"expected one of {', '.join(sorted(allowed))} but found {token[1]!r}")
        return op

    def service_id(self) -> tuple[str | None, str | None]:
        self.take("(")
        fields: dict[str, str] = {}
        while not self.accept(")"):
            _, key = self.take()
            if key.lower() not in ("name", "type", "account.id"):
                self.fail(f"id() takes name, type or account.id, not {key!r}")
            self.take(":")
            value = self.value()
            if not isinstance(value, str):
                self.fail(f"id({key}: ...) needs a quoted string")
            fields[key.lower()] = value
            self.accept(",")
        return fields.get("name"), fields.get("type")

    def service(self) -> Predicate:
        self.take("(")
        name: str | None = None
        type_: str | None = None
        if self.accept("ID"):
            name, type_ = self.service_id()
        elif (token := self.peek()) is not None and token[0] == "string":
            name = self.value()
        self.take(")")
        inner: Predicate | None = None
        if self.accept("{"):
            inner = self.expression()
            self.take("}")

        def matches(trace: Trace) -> bool:
            found = any(
                (name is None or service_name == name) and (type_ is None or origin == type_)
                for service_name, origin in trace.services()
            )
            return found and (inner is None or inner(trace))

        return matches

    def primary(self) -> Predicate:
        kind, text = self.take()
        key = text.lower()
        if kind != "word":
            self.fail(f"expected a keyword but found {text!r}")
        if key == "service":
            return self.service()
        if key == "id":
            name, type_ = self.service_id()
            return lambda t: any(
                (name is None or n == name) and (type_ is None or o == type_) for n, o in t.services()
            )
        if key in _FLAGS:
            if key == "ok":
                return lambda t: not (t.flag("error") or t.flag("fault") or t.flag("throttle"))
            if key == "partial":
                return lambda t: False
            return lambda t: t.flag(key)
        if key in _NUMERIC_KEYS:
            op = self.operator({"=", "!=", "<", "<=", ">", ">="})
            expected = self.value()
            if isinstance(expected, (bool, str)):
                self.fail(f"{text} compares with a number")
            getter: Callable[[Trace], Any] = {
                "responsetime": lambda t: t.response_time,
                "duration": lambda t: t.duration,
                "http.status": lambda t: (t.http.get("response") or {}).get("status"),
            }[key]
            return lambda t: _compare(getter(t), op, expected)
        if key in _STRING_KEYS:
            op = self.operator(_STRING_OPS)
            expected = self.value()
            section, field = {
                "http.url": ("request", "url"),
                "http.method": ("request", "method"),
                "http.useragent": ("request", "user_agent"),
                "http.clientip": ("request", "client_ip"),
            }[key]
            return lambda t: _compare((t.http.get(section) or {}).get(field), op, expected)
        if key.startswith("annotation.") or key.startswith("annotation["):
            name = (
                text[len("annotation.") :] if key.startswith("annotation.") else text[len("annotation[") : -1]
            )
            if not name:
                self.fail("annotation needs a key, e.g. annotation.tenant")
            op = self.operator(_STRING_OPS | {"<", "<=", ">", ">="})
            expected = self.value()
            return lambda t: any(_compare(v, op, expected) for v in t.annotations().get(name, []))
        self.fail(f"{text!r} is not a filter keyword the local cloud supports")


def compile_filter_expression(source: str) -> FilterExpression:
    """Parse `source`; raises FilterExpressionError when it does not parse."""
    parser = _Parser(source)
    if not parser.tokens:
        parser.fail("the expression is empty")
    predicate = parser.expression()
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek()[1]!r} after a complete expression")  # type: ignore[index]
    return FilterExpression(source, predicate)
