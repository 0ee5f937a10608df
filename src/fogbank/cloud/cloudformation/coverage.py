"""The coverage table of docs/cloudformation.md: per supported type, its documented and implemented properties.

"Documented" is the resource schema's settable properties (cfn-lint's data, `schemas.py`); "implemented" is
what the type's provider declares. The table sits between two markers in the doc; a unit test fails when it
is stale. Regenerate it with:

    python -m fogbank.cloud.cloudformation.coverage --write docs/cloudformation.md

Example:
    >>> row = next(r for r in coverage_rows() if r.resource_type == "AWS::SQS::Queue")
    >>> "QueueName" in row.implemented and "QueueName" in row.documented
    True
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.cloud.cloudformation.providers import registry
from fogbank.cloud.cloudformation.schemas import cfn_lint_version, documented_properties

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "CoverageRow",
    "coverage_rows",
    "main",
    "render_table",
    "replace_table",
]

BEGIN_MARKER = (
    "<!-- coverage-table:begin (generated: python -m fogbank.cloud.cloudformation.coverage --write) -->"
)
END_MARKER = "<!-- coverage-table:end -->"


@dataclass(frozen=True)
class CoverageRow:
    """One supported resource type: what its schema documents and what the local cloud implements."""

    resource_type: str
    documented: tuple[str, ...]
    implemented: tuple[str, ...]
    free_form: bool

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p in self.documented if p not in self.implemented)


def coverage_rows() -> list[CoverageRow]:
    """One row per resource type the local cloud supports, sorted by type."""
    rows = []
    for resource_type, provider in sorted(registry().items()):
        documented = documented_properties(resource_type)
        implemented = tuple(sorted(p for p in provider.properties if p in documented or not documented))
        rows.append(CoverageRow(resource_type, documented, implemented, provider.open_properties))
    return rows


def render_table(rows: Sequence[CoverageRow] | None = None) -> str:
    """The markdown table (with its markers) for `rows`, by default every supported type."""
    rows = coverage_rows() if rows is None else rows
    lines = [
        BEGIN_MARKER,
        "",
        f"Documented properties come from the resource schemas shipped by cfn-lint {cfn_lint_version()}.",
        "",
        "| Type | Implemented | Not implemented |",
        "|---|---|---|",
    ]
    for row in rows:
        if row.free_form:
            lines.append(
                f"| `{row.resource_type}` | free-form (the provider judges its properties itself) | — |"
            )
            continue
        if not row.documented:
            implemented = ", ".join(row.implemented) or "—"
            lines.append(f"| `{row.resource_type}` | {implemented} (no published schema) | — |")
            continue
        count = f"{len(row.implemented)}/{len(row.documented)}: "
        lines.append(
            f"| `{row.resource_type}` | {count}{', '.join(row.implemented) or '—'} | {', '.join(row.missing) or '—'} |"
        )
    lines += ["", END_MARKER]
    return "\n".join(lines)


def replace_table(document: str, table: str) -> str:
    """The document with the text between the markers replaced by `table` (appended when no markers)."""
    begin, end = document.find(BEGIN_MARKER), document.find(END_MARKER)
    if begin == -1 or end == -1:
        return document.rstrip("\n") + "\n\n" + table + "\n"
    return document[:begin] + table + document[end + len(END_MARKER) :]


def main(argv: Sequence[str] | None = None) -> int:
    """`--write DOC` regenerates the table in DOC; `--check DOC` exits 1 when it is stale."""
    parser = argparse.ArgumentParser(prog="python -m fogbank.cloud.cloudformation.coverage")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="DOC", type=Path, help="rewrite the table in this markdown file")
    action.add_argument(
        "--check", metavar="DOC", type=Path, help="exit 1 when the table in this file is stale"
    )
    args = parser.parse_args(argv)
    doc: Path = args.write or args.check
    current = doc.read_text(encoding="utf-8")
    updated = replace_table(current, render_table())
    if args.write:
        doc.write_text(updated, encoding="utf-8")
        return 0
    if updated != current:
        print(
            f"{doc}: the coverage table is stale; run python -m fogbank.cloud.cloudformation.coverage --write {doc}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
