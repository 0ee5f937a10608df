"""A PR's size: additions plus deletions, without ignored and ``linguist-generated`` files.

Example:
    >>> from fogbank.repo.config import SizeRules
    >>> from fogbank.repo.git import FileChange
    >>> measure_size([FileChange("a.py", 8, 4), FileChange("poetry.lock", 900, 0)], SizeRules(), None).label
    'size/S'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.repo.config import SizeRules
from fogbank.repo.git import FileChange
from fogbank.repo.gitattributes import GeneratedFiles
from fogbank.repo.globs import any_glob_matches

__all__ = ["SizeReport", "measure_size"]


@dataclass(frozen=True)
class SizeReport:
    """The counted lines, the size label, and the files left out with the reason."""

    lines: int
    size: str
    label: str
    too_large: bool
    excluded: tuple[tuple[str, str], ...]


def measure_size(changes: Sequence[FileChange], rules: SizeRules, gitattributes: str | None) -> SizeReport:
    """Measure ``changes`` under ``rules``; ``gitattributes`` is the root ``.gitattributes`` text, if any."""
    generated = GeneratedFiles(gitattributes if rules.honour_linguist_generated else None)
    lines = 0
    excluded: list[tuple[str, str]] = []
    for change in changes:
        if any_glob_matches(rules.ignore, change.path):
            excluded.append((change.path, "ignored by size.ignore"))
        elif generated.is_generated(change.path):
            excluded.append((change.path, "linguist-generated"))
        else:
            lines += change.lines
    return SizeReport(
        lines=lines,
        size=rules.size_for(lines),
        label=rules.label_for(lines),
        too_large=rules.is_too_large(lines),
        excluded=tuple(excluded),
    )
