"""The semantic title grammar: ``type(scope)!: subject``, anchored at both ends.

Example:
    >>> title = parse_title("feat(logger)!: drop the sampling rate")
    >>> (title.type, title.scope, title.breaking, title.subject)
    ('feat', 'logger', True, 'drop the sampling rate')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from fogbank.errors import RepoError

__all__ = ["SemanticTitle", "TitleError", "check_title", "parse_title"]

TITLE_PATTERN = re.compile(
    r"\A(?P<type>[a-z][a-z0-9-]*)"
    r"(?:\((?P<scope>[a-z0-9][a-z0-9._/-]*)\))?"
    r"(?P<breaking>!)?"
    r": (?P<subject>\S(?:.*\S)?)\Z"
)
_EXAMPLE = "feat(logger): add a sampling rate"


class TitleError(RepoError):
    """A title does not follow ``type(scope)!: subject``; the message says why and shows an example."""


@dataclass(frozen=True)
class SemanticTitle:
    """A parsed semantic title (of a PR or of a commit subject)."""

    type: str
    scope: str | None
    breaking: bool
    subject: str

    def render(self) -> str:
        """The canonical text, e.g. ``fix(tracer)!: x``."""
        scope = f"({self.scope})" if self.scope else ""
        return f"{self.type}{scope}{'!' if self.breaking else ''}: {self.subject}"


def parse_title(title: str) -> SemanticTitle:
    """Parse a title by the grammar only (no config); raise TitleError naming what is wrong."""
    match = TITLE_PATTERN.match(title)
    if match is None:
        raise TitleError(f"title {title!r} is not semantic: {_diagnose(title)}. Example: {_EXAMPLE!r}")
    return SemanticTitle(
        type=match["type"],
        scope=match["scope"],
        breaking=match["breaking"] is not None,
        subject=match["subject"],
    )


def check_title(
    title: str,
    types: Collection[str],
    scopes: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    *,
    require_scope: bool = False,
) -> SemanticTitle:
    """Parse ``title`` and check its type and scope against the config; the scope comes back de-aliased.

    Example:
        >>> check_title("fix(logging): x", ["fix"], ["logger"], {"logging": "logger"}).scope
        'logger'
    """
    parsed = parse_title(title)
    if parsed.type not in types:
        allowed = ", ".join(sorted(types))
        raise TitleError(
            f"title {title!r} has unknown type {parsed.type!r}; allowed types: {allowed}. Example: {_EXAMPLE!r}"
        )
    scope = parsed.scope
    if scope is not None and aliases and scope in aliases:
        scope = aliases[scope]
    if scope is None and require_scope:
        raise TitleError(f"title {title!r} has no scope and the config requires one. Example: {_EXAMPLE!r}")
    if scope is not None and scopes and scope not in scopes:
        allowed = ", ".join(sorted(scopes))
        raise TitleError(
            f"title {title!r} has scope {parsed.scope!r}, which is not allowed; allowed scopes: {allowed}. "
            f"Example: {_EXAMPLE!r}"
        )
    return SemanticTitle(type=parsed.type, scope=scope, breaking=parsed.breaking, subject=parsed.subject)


def _diagnose(title: str) -> str:
    """Say in words why ``title`` does not match the grammar."""
    if not title.strip():
        return "it is empty"
    if title != title.strip():
        return "it starts or ends with whitespace"
    head, separator, subject = title.partition(":")
    if not separator:
        return "there is no ':' after the type"
    if not subject.startswith(" ") or subject.startswith("  "):
        return "the ':' must be followed by exactly one space"
    if not subject.strip():
        return "the subject after ': ' is empty"
    head = head.removesuffix("!")
    if "(" in head or ")" in head:
        if not re.fullmatch(r"[^()]*\([^()]*\)", head):
            return "the scope's parentheses are unbalanced or misplaced"
        type_part, _, scope = head.partition("(")
        if type_part.endswith("!"):
            return "'!' goes after the scope, right before ':', e.g. 'feat(logger)!: ...'"
        scope = scope.removesuffix(")")
        if not re.fullmatch(r"[a-z0-9][a-z0-9._/-]*", scope):
            return f"the scope {scope!r} must be lower case letters, digits, '.', '_', '/' or '-'"
        head = type_part
    if not re.fullmatch(r"[a-z][a-z0-9-]*", head):
        return f"the type {head!r} must be a lower case word such as 'feat' or 'fix'"
    return "'!' goes right before ':'"
