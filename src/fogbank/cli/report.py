"""`fogbank report merge`: one report and one summary from the outputs of a run's CI shards.

Example:
    $ fogbank report merge shard-1/ shard-2/ shard-3/ --output merged/ --durations .fogbank/durations.json
"""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["app"]

app = typer.Typer(help="The run report of `fogbank e2e`.", no_args_is_help=True)


@app.command("merge")
def merge(
    shards: list[Path] = typer.Argument(
        ..., help="Each shard's results folder (junit.xml, summary.json, durations.json)."
    ),
    output: Path = typer.Option(Path("e2e-merged"), "--output", "-o", help="Where the merged files go."),
    durations: Path | None = typer.Option(
        None,
        "--durations",
        help="Record the shards' measured durations in this file (e.g. .fogbank/durations.json).",
    ),
) -> None:
    """Merge the shards' results into OUTPUT: the run report (report.html + report.json), and the JUnit XML
    and summaries (junit.xml, summary.json, summary.md).

    Exits 1 when a shard left no results (a cancelled or crashed job), 4 on unreadable input.
    """
    from fogbank.errors import ConfigError
    from fogbank.sharding.merge import merge_shards, update_durations

    missing_folders = [str(folder) for folder in shards if not folder.is_dir()]
    try:
        merged = merge_shards(shards, output)
        report = _merge_reports(shards, output)
        recorded = update_durations(shards, durations) if durations is not None else []
    except ConfigError as exc:
        typer.echo(f"fogbank report merge: {exc}", err=True)
        raise typer.Exit(4) from exc
    failed = merged.failed_features
    typer.echo(
        f"merged {len(merged.shards)} shards into {output}: {len(merged.features)} features, "
        f"{merged.totals['tests']} tests, wall time {merged.wall_seconds:.1f} s (slowest shard); "
        + (f"failed: {', '.join(failed)}" if failed else "no feature failed")
    )
    if report is not None:
        typer.echo(f"run report: {report}")
    if durations is not None:
        typer.echo(f"durations of {len(recorded)} features recorded in {durations}")
    if merged.missing_shards:
        typer.echo(
            f"shards without results: {', '.join(merged.missing_shards)}"
            + (f" (no such folder: {', '.join(missing_folders)})" if missing_folders else "")
            + "; look at their job logs",
            err=True,
        )
        raise typer.Exit(1)


def _merge_reports(shards: list[Path], output: Path) -> Path | None:
    """The merged run report's HTML path, or None when no shard wrote one."""
    from fogbank.report import write_report
    from fogbank.sharding.merge_report import REPORT_NAME, merge_run_reports

    found = [
        folder / REPORT_NAME for folder in shards if (folder / REPORT_NAME).with_suffix(".json").is_file()
    ]
    if not found:
        return None
    html, _ = write_report(
        merge_run_reports([path.with_suffix(".json") for path in found]), output / REPORT_NAME
    )
    return html
