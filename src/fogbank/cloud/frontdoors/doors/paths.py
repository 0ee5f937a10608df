"""Matching request paths against API Gateway path templates (`/items/{id}`, `/{proxy+}`).

Example:
    >>> match_template("/items/{id}", "/items/7")
    {'id': '7'}
    >>> match_template("/files/{key+}", "/files/a/b.txt")
    {'key': 'a/b.txt'}
    >>> match_template("/items", "/other") is None
    True
"""

from __future__ import annotations

from urllib.parse import unquote

__all__ = ["match_template", "specificity"]


def match_template(template: str, path: str) -> dict[str, str] | None:
    """Path parameters when `path` fits `template`, else None."""
    want = [part for part in template.strip("/").split("/") if part]
    have = [part for part in path.strip("/").split("/") if part]
    params: dict[str, str] = {}
    for index, part in enumerate(want):
        if part.startswith("{") and part.endswith("+}"):
            rest = have[index:]
            if not rest:
                return None
            params[part[1:-2]] = unquote("/".join(rest))
            return params
        if index >= len(have):
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = unquote(have[index])
        elif part != have[index]:
            return None
    return params if len(have) == len(want) else None


def specificity(template: str) -> tuple[int, int, int]:
    """Sort key: literal segments first, then variables, greedy last."""
    parts = [part for part in template.strip("/").split("/") if part]
    greedy = sum(1 for part in parts if part.endswith("+}"))
    variables = sum(1 for part in parts if part.startswith("{"))
    return (greedy, -(len(parts) - variables), -len(parts))
