"""`fogbank`: the command line. Each concern is a sub-app in its own module.

Example:
    $ fogbank --help
    $ fogbank cloud start --port 0
"""

from __future__ import annotations

import typer

from fogbank import __version__
from fogbank.cli import cloud, deploy, e2e, layer, repo, report

app = typer.Typer(
    name="fogbank",
    help="End-to-end tests for AWS Lambda projects, on a local cloud or on AWS; and the maintainers' workflow.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(cloud.app, name="cloud")
app.add_typer(layer.app, name="layer")
app.add_typer(repo.app, name="repo")
app.add_typer(report.app, name="report")
deploy.register(app)
e2e.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fogbank {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """fogbank: test Lambda projects end to end."""
