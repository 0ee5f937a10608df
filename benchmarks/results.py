"""The rows of `make bench`'s closing table: each benchmark records its figures, the last step prints them all.

Every benchmark (a script or a pytest-benchmark module) calls `record(source, rows)` once; that writes
`.benchmarks/rows/<source>.json`. `python benchmarks/results.py` prints one table of every recorded row, in
the order of `SOURCES` (then any other source, alphabetically). A row carries its figure, the comparison
measured in the same run, the target, and whether the target is met (None when the row has no target).

Example:
    >>> row = Row("moto-answered call, median", "0.71 ms", "ThreadedMotoServer 2.60 ms (3.7x)", "<= 2.5 ms", True)
    >>> record("request_floor", [row])  # doctest: +SKIP
    $ python benchmarks/results.py          # the table
    $ python benchmarks/results.py --clear  # forget earlier rows (make bench starts with this)
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["ROWS_DIR", "SOURCES", "Row", "load", "met_text", "record", "render"]

ROWS_DIR = Path(__file__).resolve().parents[1] / ".benchmarks" / "rows"  # git-ignored
# The order of the closing table: issue #14's rows first (request floor, Lambda, deploys, suite).
SOURCES = ("request_floor", "lambda_user_path", "stack_deploys", "suite_time")


@dataclass(frozen=True)
class Row:
    """One line of the table: `figure` beside `comparison` (same run), against `target`."""

    what: str
    figure: str
    comparison: str = ""
    target: str = ""
    met: bool | None = None


def record(source: str, rows: list[Row]) -> Path:
    """Write `source`'s rows (replacing what it recorded before); returns the file."""
    ROWS_DIR.mkdir(parents=True, exist_ok=True)
    path = ROWS_DIR / f"{source}.json"
    document = {"source": source, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    path.write_text(json.dumps({**document, "rows": [asdict(row) for row in rows]}, indent=2) + "\n")
    return path


def load() -> list[tuple[str, Row]]:
    """Every recorded row as (source, row), in table order."""
    found = {path.stem: path for path in ROWS_DIR.glob("*.json")} if ROWS_DIR.is_dir() else {}
    order = [name for name in SOURCES if name in found] + sorted(set(found) - set(SOURCES))
    rows: list[tuple[str, Row]] = []
    for name in order:
        document = json.loads(found[name].read_text())
        rows.extend((name, Row(**row)) for row in document["rows"])
    return rows


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def render(rows: list[tuple[str, Row]]) -> str:
    """A plain-text table: source, row, figure, comparison (same run), target, met."""
    header = ("benchmark", "what", "figure", "comparison (same run)", "target", "met")
    lines = [header, *[(s, r.what, r.figure, r.comparison, r.target, met_text(r.met)) for s, r in rows]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    missing = [name for name in SOURCES if name not in {source for source, _ in rows}]
    if missing:
        text.append(f"(no rows recorded by: {', '.join(missing)}; did that benchmark fail?)")
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print every benchmark row recorded under .benchmarks/rows.")
    parser.add_argument("--clear", action="store_true", help="forget every recorded row, print nothing")
    options = parser.parse_args()
    if options.clear:
        shutil.rmtree(ROWS_DIR, ignore_errors=True)
        return
    print(render(load()))


if __name__ == "__main__":
    main()
