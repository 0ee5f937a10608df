"""`fogbank repo board sync` and `fogbank repo triage`: the project board and the maintainers' triage view.

Example:
    $ fogbank repo board sync --dry-run
    $ fogbank repo triage --output triage.md
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import typer

__all__ = ["board_app", "triage_command"]

board_app = typer.Typer(help="The GitHub Projects (v2) board.", no_args_is_help=True)


@board_app.command("sync")
def board_sync(
    root: Path = typer.Option(Path("."), "--root", help="The repository checkout (config)."),
    config: Path | None = typer.Option(None, "--config", help="Config file (default: .github/fogbank.yml)."),
    repo: str | None = typer.Option(
        None, "--repo", help="owner/name on GitHub (default: GITHUB_REPOSITORY)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the planned mutations without sending them."
    ),
) -> None:
    """Add open issues and PRs to the board and set each item's Status from its labels and state."""
    from fogbank.cli import repo as cli_repo
    from fogbank.repo.board import plan_board_sync
    from fogbank.repo.github import connect

    settings = cli_repo._config(root, config)
    repository = cli_repo._guard(lambda: connect.repository_name(repo, os.environ))
    github = cli_repo._guard(lambda: cli_repo.open_github(repository))
    plan = cli_repo._guard(lambda: plan_board_sync(github, settings.board, repository))
    typer.echo(f"board: {plan.board.title}", err=True)
    cli_repo._run(plan.changes, github, dry_run)


def triage_command(
    root: Path = typer.Option(Path("."), "--root", help="The repository checkout (config)."),
    config: Path | None = typer.Option(None, "--config", help="Config file (default: .github/fogbank.yml)."),
    repo: str | None = typer.Option(
        None, "--repo", help="owner/name on GitHub (default: GITHUB_REPOSITORY)."
    ),
    output: Path | None = typer.Option(None, "--output", help="Write the Markdown here (default: stdout)."),
) -> None:
    """Report what needs a maintainer's eyes, as Markdown (also appended to GITHUB_STEP_SUMMARY)."""
    from fogbank.cli import repo as cli_repo
    from fogbank.repo.github import connect
    from fogbank.repo.triage_report import build_triage_report

    settings = cli_repo._config(root, config)
    repository = cli_repo._guard(lambda: connect.repository_name(repo, os.environ))
    github = cli_repo._guard(lambda: cli_repo.open_github(repository))
    report = cli_repo._guard(lambda: build_triage_report(github, settings, datetime.now(tz=UTC)))
    text = report.markdown(repository)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{output}: {report.total} item(s)", err=True)
    else:
        typer.echo(text, nl=False)
    if step_summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(text)
