"""CloudWatch Logs filter patterns (FilterLogEvents, metric and subscription filters), parsed and matched.

Three forms, as CloudWatch defines them:

* text: terms and "quoted phrases" that must all appear, `?alternatives` (any of them), `-exclusions`,
  `*` wildcards inside a term and `%regex%` terms; the empty pattern matches every event;
* JSON: `{ $.a.b[0] = "x*" }`, `!=`, numeric `< <= > >= = !=`, `IS TRUE`, `IS FALSE`, `IS NULL`, `EXISTS`,
  `NOT EXISTS`, `&&`, `||` and parentheses;
* space-delimited: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`.

A pattern that does not parse raises FilterPatternError (never "match everything").

Example:
    >>> compile_filter_pattern('{ $.level = "ERROR" && $.n > 1 }').matches('{"level": "ERROR", "n": 2}')
    True
    >>> compile_filter_pattern("?WARN ?ERROR").matches("[INFO] all good")
    False
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fogbank.cloud.telemetry.filter_conditions import (
    Condition,
    FilterPatternError,
    Tokens,
    parse_condition_expression,
    parse_json_pattern,
    wildcard_regex,
)

__all__ = ["FilterPattern", "FilterPatternError", "compile_filter_pattern"]

Matcher = Callable[[str], bool]


@dataclass(frozen=True)
class FilterPattern:
    """A compiled pattern; `matches(message)` says whether an event's message matches it."""

    text: str
    matches: Matcher


def compile_filter_pattern(pattern: str) -> FilterPattern:
    """Parse `pattern`; raises FilterPatternError naming the problem and its position."""
    stripped = pattern.strip()
    if stripped.startswith("{"):
        matcher = parse_json_pattern(stripped, pattern)
    elif stripped.startswith("["):
        matcher = _space_delimited(stripped, pattern)
    else:
        matcher = _text(stripped, pattern)
    return FilterPattern(pattern, matcher)


# -- text patterns ----------------------------------------------------------------------------------------
_TEXT_TOKEN = re.compile(
    r'\s*(?P<prefix>[?-]?)(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|%(?P<regex>[^%]+)%|(?P<bare>[^\s"]+))'
)


def _term_matcher(term: str, is_regex: bool, original: str) -> Matcher:
    if is_regex:
        try:
            compiled = re.compile(term)
        except re.error as exc:
            raise FilterPatternError(original, f"the regular expression %{term}% is invalid ({exc})") from exc
        return lambda message: compiled.search(message) is not None
    if "*" in term:
        wild = wildcard_regex(term, anchored=False)
        return lambda message: wild.search(message) is not None
    return lambda message: term in message


def _text(stripped: str, original: str) -> Matcher:
    required: list[Matcher] = []
    optional: list[Matcher] = []
    excluded: list[Matcher] = []
    position = 0
    while position < len(stripped):
        match = _TEXT_TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            rest = stripped[position:].strip()
            if not rest:
                break
            raise FilterPatternError(original, f"unexpected text {rest[:20]!r} (an unterminated quote?)")
        position = match.end()
        if match.group("quoted") is not None:
            term, is_regex = re.sub(r"\\(.)", r"\1", match.group("quoted")), False
        elif match.group("regex") is not None:
            term, is_regex = match.group("regex"), True
        else:
            term, is_regex = match.group("bare"), False
            if term in ("{", "}", "[", "]", "&&", "||"):
                raise FilterPatternError(original, f"{term!r} is not valid in a text pattern")
        if term == "":
            raise FilterPatternError(original, "an empty quoted term")
        matcher = _term_matcher(term, is_regex, original)
        {"": required, "?": optional, "-": excluded}[match.group("prefix")].append(matcher)

    def matches(message: str) -> bool:
        if any(m(message) for m in excluded):
            return False
        if not all(m(message) for m in required):
            return False
        return not optional or any(m(message) for m in optional)

    return matches


# -- space-delimited patterns -----------------------------------------------------------------------------
_FIELD = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+')


def split_fields(message: str) -> list[str]:
    """A space-delimited event's fields; "quoted" and [bracketed] fields are one field each, unwrapped."""
    fields = []
    for token in _FIELD.findall(message):
        if len(token) >= 2 and (
            (token[0] == '"' and token[-1] == '"') or (token[0] == "[" and token[-1] == "]")
        ):
            token = token[1:-1]
        fields.append(token)
    return fields


_ELLIPSIS = None


def _space_delimited(stripped: str, original: str) -> Matcher:
    if not stripped.endswith("]"):
        raise FilterPatternError(original, "a space-delimited pattern must end with ']'")
    inner = stripped[1:-1]
    items = _split_top_level_commas(inner, original)
    if not items:
        raise FilterPatternError(original, "a space-delimited pattern needs at least one field")
    slots: list[Condition | None] = []
    for item in items:
        item = item.strip()
        if item == "...":
            slots.append(_ELLIPSIS)
            continue
        if not item:
            raise FilterPatternError(original, "an empty field between commas")
        tokens = Tokens(item, original, field_mode=True)
        condition = parse_condition_expression(tokens)
        tokens.expect_end()
        slots.append(condition)

    def matches(message: str) -> bool:
        return _match_slots(slots, split_fields(message))

    return matches


def _split_top_level_commas(inner: str, original: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    in_quote = False
    escaped = False
    for char in inner:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_quote = not in_quote
        elif char == "," and not in_quote:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    if in_quote:
        raise FilterPatternError(original, "an unterminated quote")
    items.append("".join(current))
    return items


def _match_slots(slots: list[Condition | None], fields: list[str]) -> bool:
    """Positional match where `...` (None) absorbs any number of fields."""
    memo: dict[tuple[int, int], bool] = {}

    def walk(slot: int, field: int) -> bool:
        key = (slot, field)
        if key in memo:
            return memo[key]
        if slot == len(slots):
            result = field == len(fields)
        elif slots[slot] is None:
            result = any(walk(slot + 1, next_field) for next_field in range(field, len(fields) + 1))
        elif field < len(fields):
            condition = slots[slot]
            assert condition is not None
            result = condition.test_field(fields[field]) and walk(slot + 1, field + 1)
        else:
            result = False
        memo[key] = result
        return result

    return walk(0, 0)
