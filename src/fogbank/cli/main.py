"""`fogbank`: the command line. Each concern is a sub-app in its own module.

A fogbank error (bad input, a failed deploy, no cloud to talk to) ends the command with its message on
stderr and exit code 1, not a traceback, and so does an endpoint where nothing answers (a local cloud that was
stopped, an AWS_ENDPOINT_URL left over); `FOGBANK_TRACEBACK=1` shows the traceback as well.

Example:
    $ fogbank --help
    $ fogbank cloud start --port 0
"""

from __future__ import annotations

import os

import typer

from fogbank import __version__
from fogbank.cli import cloud, deploy, e2e, layer, repo, report
from fogbank.errors import FogbankError

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


def _unreachable(error: Exception) -> str | None:
    """What to tell the user when `error` is botocore's "could not connect to the endpoint"; None otherwise."""
    from botocore.exceptions import EndpointConnectionError

    if not isinstance(error, EndpointConnectionError):
        return None
    return (
        f"{error}; nothing answers there. For the local cloud, start it (`fogbank cloud start`) and point "
        "--endpoint or AWS_ENDPOINT_URL at the endpoint it prints; for AWS, check the region and the network"
    )


def run() -> None:
    """The `fogbank` command (the console script): `app`, with fogbank errors as one message, not a traceback."""
    try:
        app()
    except Exception as error:
        message = str(error) if isinstance(error, FogbankError) else _unreachable(error)
        if message is None or os.environ.get("FOGBANK_TRACEBACK"):
            raise
        typer.echo(f"fogbank: error: {message}", err=True)
        raise SystemExit(1) from None
