"""`fogbank repo`: the maintainers' workflow."""

from __future__ import annotations

import typer

app = typer.Typer(help="The maintainers' workflow: labels, PRs, releases, changelog.", no_args_is_help=True)
