"""``linguist-generated`` from a root ``.gitattributes`` text, with git's last-match-wins rule.

Example:
    >>> GeneratedFiles("docs/api/** linguist-generated\\ndocs/api/index.md -linguist-generated").is_generated(
    ...     "docs/api/x.md")
    True
"""

from __future__ import annotations

from fogbank.repo.globs import glob_matches

__all__ = ["GeneratedFiles"]

_ATTRIBUTE = "linguist-generated"


class GeneratedFiles:
    """Which paths a ``.gitattributes`` marks ``linguist-generated``."""

    def __init__(self, text: str | None) -> None:
        self._rules: list[tuple[str, bool]] = []
        for raw in (text or "").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            pattern, *attributes = line.split()
            for attribute in attributes:
                value = _value(attribute)
                if value is not None:
                    self._rules.append((pattern, value))

    def is_generated(self, path: str) -> bool:
        """Whether the last rule matching ``path`` sets ``linguist-generated``."""
        verdict = False
        for pattern, value in self._rules:
            if glob_matches(pattern, path):
                verdict = value
        return verdict


def _value(attribute: str) -> bool | None:
    if attribute in (_ATTRIBUTE, f"{_ATTRIBUTE}=true"):
        return True
    if attribute in (f"-{_ATTRIBUTE}", f"!{_ATTRIBUTE}", f"{_ATTRIBUTE}=false"):
        return False
    return None
