"""Conditions shared by JSON and space-delimited filter patterns: lexer, parser and evaluation.

Example:
    >>> parse_json_pattern('{ $.user.id = 7 || $.admin IS TRUE }', "p")('{"user": {"id": 7}}')
    True
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Condition",
    "FilterPatternError",
    "Tokens",
    "parse_condition_expression",
    "parse_json_pattern",
    "wildcard_regex",
]

_MISSING = object()


class FilterPatternError(ValueError):
    """A filter pattern that does not parse; the message names the pattern and the problem."""

    def __init__(self, pattern: str, problem: str) -> None:
        super().__init__(f"Invalid filter pattern {pattern!r}: {problem}")
        self.pattern = pattern
        self.problem = problem


def wildcard_regex(text: str, anchored: bool = True) -> re.Pattern[str]:
    """`*` matches any run of characters; everything else is literal."""
    body = ".*".join(re.escape(part) for part in text.split("*"))
    return re.compile(f"^{body}$" if anchored else body, re.DOTALL)


# -- lexer ------------------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<and>&&) | (?P<or>\|\|) | (?P<lparen>\() | (?P<rparen>\)) | (?P<lbrace>\{) | (?P<rbrace>\})
    | (?P<op>!=|<=|>=|=|<|>)
    | "(?P<string>(?:[^"\\]|\\.)*)"
    | %(?P<regex>[^%]+)%
    | (?P<word>[^\s(){}&|=!<>",]+)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Token:
    kind: str  # and, or, lparen, rparen, lbrace, rbrace, op, string, regex, word
    text: str
    position: int


class Tokens:
    """A token stream over one pattern (or one space-delimited field) with helpful errors."""

    def __init__(self, text: str, original: str, field_mode: bool = False) -> None:
        self.original = original
        self.field_mode = field_mode
        self.items: list[Token] = []
        position = 0
        while position < len(text):
            if text[position:].strip() == "":
                break
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise FilterPatternError(original, f"unexpected {text[position:].strip()[:20]!r}")
            kind = match.lastgroup or ""
            value = match.group(kind)
            if kind == "string":
                value = re.sub(r"\\(.)", r"\1", value)
            self.items.append(Token(kind, value, match.start(kind)))
            position = match.end()
        self.index = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.index + offset
        return self.items[index] if index < len(self.items) else None

    def take(self, expected: str | None = None, what: str = "") -> Token:
        token = self.peek()
        if token is None:
            raise FilterPatternError(self.original, f"the pattern ends where {what or expected} was expected")
        if expected is not None and token.kind != expected:
            raise FilterPatternError(self.original, f"expected {what or expected} but found {token.text!r}")
        self.index += 1
        return token

    def take_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.index += 1
            return True
        return False

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise FilterPatternError(self.original, f"unexpected {token.text!r} after a complete expression")


# -- conditions -------------------------------------------------------------------------------------------
Value = tuple[str, Any]  # ("number", float) | ("string", pattern text) | ("regex", compiled)


class Condition:
    """A boolean test on a JSON document or on one space-delimited field."""

    def test_json(self, document: Any) -> bool:
        raise NotImplementedError

    def test_field(self, field: str) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class Combined(Condition):
    op: str  # "&&" or "||"
    left: Condition
    right: Condition

    def test_json(self, document: Any) -> bool:
        if self.op == "&&":
            return self.left.test_json(document) and self.right.test_json(document)
        return self.left.test_json(document) or self.right.test_json(document)

    def test_field(self, field: str) -> bool:
        if self.op == "&&":
            return self.left.test_field(field) and self.right.test_field(field)
        return self.left.test_field(field) or self.right.test_field(field)


@dataclass(frozen=True)
class AnyValue(Condition):
    """A bare field name in a space-delimited pattern: the field only has to be there."""

    def test_json(self, document: Any) -> bool:
        return True

    def test_field(self, field: str) -> bool:
        return True


def _resolve(document: Any, path: list[str | int]) -> list[Any]:
    """Every value at `path` (`*` steps fan out); [] when the path does not exist."""
    current = [document]
    for step in path:
        following: list[Any] = []
        for value in current:
            if step == "*":
                if isinstance(value, list):
                    following.extend(value)
                elif isinstance(value, dict):
                    following.extend(value.values())
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    following.append(value[step])
            elif isinstance(value, dict) and step in value:
                following.append(value[step])
        current = following
    return current


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare_numbers(actual: float, op: str, expected: float) -> bool:
    if op == "=":
        return math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9)
    if op == "!=":
        return not math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9)
    return {
        "<": actual < expected,
        "<=": actual <= expected,
        ">": actual > expected,
        ">=": actual >= expected,
    }[op]


@dataclass(frozen=True)
class Comparison(Condition):
    path: tuple[str | int, ...]
    op: str
    value: Value

    def _test_one(self, actual: Any) -> bool:
        kind, expected = self.value
        if kind == "number":
            if isinstance(actual, str):
                try:
                    actual = float(actual)
                except ValueError:
                    return self.op == "!="
            if not _is_number(actual):
                return False
            return _compare_numbers(float(actual), self.op, expected)
        if _is_number(actual) or isinstance(actual, bool):
            text = json.dumps(actual)
        elif isinstance(actual, str):
            text = actual
        else:
            return False
        if kind == "regex":
            found = expected.search(text) is not None
        else:
            found = wildcard_regex(expected).match(text) is not None
        return found if self.op == "=" else not found

    def test_json(self, document: Any) -> bool:
        return any(self._test_one(actual) for actual in _resolve(document, list(self.path)))

    def test_field(self, field: str) -> bool:
        return self._test_one(field)


@dataclass(frozen=True)
class Postfix(Condition):
    path: tuple[str | int, ...]
    check: str  # TRUE, FALSE, NULL, EXISTS, NOT EXISTS

    def test_json(self, document: Any) -> bool:
        found = _resolve(document, list(self.path))
        if self.check == "NOT EXISTS":
            return not found
        if self.check == "EXISTS":
            return bool(found)
        wanted = {"TRUE": True, "FALSE": False, "NULL": None}[self.check]
        return any(value is wanted for value in found)

    def test_field(self, field: str) -> bool:
        raise AssertionError("postfix checks are rejected in space-delimited patterns at parse time")


# -- parser -----------------------------------------------------------------------------------------------
_SELECTOR_STEP = re.compile(r"\.(?P<name>[A-Za-z0-9_@:\-$]+|\*)|\[(?P<index>-?\d+|\*)\]")


def _parse_selector(text: str, original: str) -> tuple[str | int, ...]:
    if not text.startswith("$"):
        raise FilterPatternError(original, f"{text!r} is not a JSON selector (it must start with '$.')")
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        match = _SELECTOR_STEP.match(text, position)
        if match is None:
            raise FilterPatternError(original, f"the selector {text!r} is malformed at {text[position:]!r}")
        if match.group("name") is not None:
            steps.append(match.group("name"))
        else:
            index = match.group("index")
            steps.append("*" if index == "*" else int(index))
        position = match.end()
    if not steps:
        raise FilterPatternError(original, f"the selector {text!r} names no field")
    return tuple(steps)


def _parse_value(tokens: Tokens, op: str) -> Value:
    token = tokens.take(what=f"a value after {op!r}")
    if token.kind == "string":
        value: Value = ("string", token.text)
    elif token.kind == "regex":
        try:
            value = ("regex", re.compile(token.text))
        except re.error as exc:
            raise FilterPatternError(
                tokens.original, f"the regular expression %{token.text}% is invalid ({exc})"
            ) from exc
    elif token.kind == "word":
        value = ("number", float(token.text)) if _NUMBER.fullmatch(token.text) else ("string", token.text)
    else:
        raise FilterPatternError(tokens.original, f"expected a value after {op!r} but found {token.text!r}")
    if op in ("<", "<=", ">", ">=") and value[0] != "number":
        raise FilterPatternError(tokens.original, f"{op!r} needs a number, not {token.text!r}")
    return value


def _parse_primary(tokens: Tokens) -> Condition:
    token = tokens.peek()
    if token is None:
        raise FilterPatternError(tokens.original, "the pattern ends where a condition was expected")
    if token.kind == "lparen":
        tokens.take()
        inner = parse_condition_expression(tokens)
        tokens.take("rparen", "')'")
        return inner
    if token.kind != "word":
        raise FilterPatternError(tokens.original, f"expected a selector but found {token.text!r}")
    tokens.take()
    path: tuple[str | int, ...] = (
        (token.text,) if tokens.field_mode else _parse_selector(token.text, tokens.original)
    )
    following = tokens.peek()
    if following is not None and following.kind == "op":
        tokens.take()
        return Comparison(path, following.text, _parse_value(tokens, following.text))
    if tokens.field_mode:
        return AnyValue()
    if tokens.take_word("IS"):
        for check in ("TRUE", "FALSE", "NULL"):
            if tokens.take_word(check):
                return Postfix(path, check)
        raise FilterPatternError(tokens.original, f"{token.text} IS must be followed by TRUE, FALSE or NULL")
    if tokens.take_word("EXISTS"):
        return Postfix(path, "EXISTS")
    if tokens.take_word("NOT"):
        if tokens.take_word("EXISTS"):
            return Postfix(path, "NOT EXISTS")
        raise FilterPatternError(tokens.original, f"{token.text} NOT must be followed by EXISTS")
    found = following.text if following is not None else "the end of the pattern"
    raise FilterPatternError(
        tokens.original, f"expected an operator after {token.text!r} but found {found!r}"
    )


def _parse_and(tokens: Tokens) -> Condition:
    left = _parse_primary(tokens)
    while (token := tokens.peek()) is not None and token.kind == "and":
        tokens.take()
        left = Combined("&&", left, _parse_primary(tokens))
    return left


def parse_condition_expression(tokens: Tokens) -> Condition:
    """condition (('&&' | '||') condition)*, with && binding tighter than ||."""
    left = _parse_and(tokens)
    while (token := tokens.peek()) is not None and token.kind == "or":
        tokens.take()
        left = Combined("||", left, _parse_and(tokens))
    return left


def parse_json_pattern(stripped: str, original: str) -> Callable[[str], bool]:
    """`{ expression }` -> a matcher of messages that are JSON objects (or arrays)."""
    tokens = Tokens(stripped, original)
    tokens.take("lbrace", "'{'")
    condition = parse_condition_expression(tokens)
    tokens.take("rbrace", "'}'")
    tokens.expect_end()

    def matches(message: str) -> bool:
        text = message.strip()
        if not text.startswith(("{", "[")):
            return False
        try:
            document = json.loads(text)
        except ValueError:
            return False
        return condition.test_json(document)

    return matches
