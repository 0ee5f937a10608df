"""Render a RunReport as one self-contained HTML file (inline CSS and script, the data embedded as JSON).

Example:
    >>> import tempfile
    >>> from datetime import datetime, timezone
    >>> from pathlib import Path
    >>> from fogbank.report import RunReport, write_report
    >>> report = RunReport(run_id="r1", target="local", started_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> folder = tempfile.TemporaryDirectory()
    >>> html_path, json_path = write_report(report, Path(folder.name, "fogbank-report.html"))
    >>> json_path.name, RunReport.load(json_path) == report
    ('fogbank-report.json', True)
    >>> folder.cleanup()
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from fogbank.report.model import RunReport, StackEvent, TraceWaterfall

__all__ = ["environment", "render_html", "write_report"]

_environment: Environment | None = None


def environment() -> Environment:
    """The Jinja2 environment of the report's and the console's templates, with fogbank's filters."""
    global _environment
    if _environment is None:
        env = Environment(
            loader=PackageLoader("fogbank.report", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["seconds"] = format_seconds
        env.filters["ms"] = format_ms
        env.filters["clock"] = format_clock
        env.filters["pretty_json"] = pretty_json
        env.globals["waterfall_rows"] = waterfall_rows
        env.globals["event_rows"] = event_rows
        _environment = env
    return _environment


def render_html(report: RunReport) -> str:
    """The report as one HTML page; its data is embedded as JSON in `<script id="fogbank-report-data">`."""
    data = report.model_dump_json().replace("</", "<\\/")
    template = environment().get_template("report.html.j2")
    return template.render(report=report, data=data, counts=report.counts())


def write_report(report: RunReport, html_path: Path) -> tuple[Path, Path]:
    """Write `html_path` and the same data as JSON beside it (`.json`); returns both paths."""
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path = report.save_json(html_path.with_suffix(".json"))
    return html_path.resolve(), json_path.resolve()


def format_seconds(value: float | None) -> str:
    """`0.0004` -> `0.4 ms`, `0.0123` -> `12 ms`, `3.2` -> `3.20 s`, None -> `-`."""
    if value is None:
        return "-"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def format_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def format_clock(value: datetime | float | None) -> str:
    """A time of day with milliseconds (UTC)."""
    if value is None:
        return "-"
    if isinstance(value, float | int):
        value = datetime.fromtimestamp(value, UTC)
    return value.strftime("%H:%M:%S.%f")[:-3]


def pretty_json(text: str | None) -> str:
    """Indented JSON when `text` is JSON, else the text as it is."""
    if text is None:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


def waterfall_rows(trace: TraceWaterfall) -> list[dict[str, Any]]:
    """Each segment with its bar's offset and width in percent of the trace."""
    span = trace.duration_seconds or 1e-9
    rows = []
    for segment in trace.segments:
        end = segment.end_time if segment.end_time is not None else segment.start_time
        rows.append(
            {
                "segment": segment,
                "left": round(100 * (segment.start_time - trace.start_time) / span, 3),
                "width": round(max(0.4, 100 * (end - segment.start_time) / span), 3),
            }
        )
    return rows


def event_rows(events: list[StackEvent]) -> list[dict[str, Any]]:
    """Each finished resource as a bar: from its IN_PROGRESS to its COMPLETE/FAILED event, in percent."""
    finished = [e for e in events if e.duration_seconds is not None]
    if not events:
        return []
    start = min(e.timestamp for e in events)
    end = max(e.timestamp for e in events)
    span = (end - start).total_seconds() or 1e-9
    rows = []
    for event in finished:
        begin = (event.timestamp - start).total_seconds() - (event.duration_seconds or 0.0)
        rows.append(
            {
                "event": event,
                "left": round(100 * max(0.0, begin) / span, 3),
                "width": round(max(0.6, 100 * (event.duration_seconds or 0.0) / span), 3),
            }
        )
    return rows
