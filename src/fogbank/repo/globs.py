"""Path globs with one rule for config and ``.gitattributes``.

- ``*`` matches within one path segment, ``?`` one character, ``[abc]`` a class, ``**`` any number of segments.
- A pattern without ``/`` matches the file name at any depth (``*.lock`` matches ``a/b/poetry.lock``).
- A pattern with ``/`` is relative to the repository root; a leading ``/`` is allowed; ``dir/`` means ``dir/**``.

Example:
    >>> glob_matches("docs/**/*.md", "docs/a/b.md"), glob_matches("*.lock", "x/poetry.lock")
    (True, True)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = ["any_glob_matches", "glob_matches", "glob_to_regex"]


@functools.lru_cache(maxsize=1024)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` into an anchored regex over ``/``-separated paths."""
    if pattern.endswith("/"):
        pattern += "**"
    anchored = "/" in pattern
    pattern = pattern.lstrip("/")
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:[^/]+/)*")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(rf"\A{prefix}{''.join(out)}\Z")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether repository-relative ``path`` matches ``pattern``."""
    return glob_to_regex(pattern).match(path) is not None


def any_glob_matches(patterns: Iterable[str], path: str) -> bool:
    """Whether any of ``patterns`` matches ``path``."""
    return any(glob_matches(pattern, path) for pattern in patterns)
