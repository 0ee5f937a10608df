"""`fogbank cloud`: run the local cloud in the foreground."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import typer

app = typer.Typer(help="Run the local cloud: an AWS-compatible endpoint on 127.0.0.1.", no_args_is_help=True)


@app.command("start")
def start(
    port: int = typer.Option(4566, "--port", help="Port on 127.0.0.1; 0 picks a free one."),
    state_dir: Path | None = typer.Option(None, "--state-dir", help="Where code, layers and workers live."),
    region: str = typer.Option("us-east-1", "--region", help="The default region."),
) -> None:
    """Serve until SIGINT or SIGTERM; the first line printed is `endpoint: http://127.0.0.1:<port>`."""
    from fogbank.cloud import LocalCloud

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    cloud = LocalCloud(port=port, state_dir=state_dir, region=region).start()
    try:
        typer.echo(f"endpoint: {cloud.endpoint}", color=False)
        typer.echo("Point boto3 or the AWS CLI at it with:", err=True)
        for key, value in cloud.env().items():
            typer.echo(f"  export {key}={value}", err=True)
        typer.echo("Ctrl-C stops it.", err=True)
        while not stop.wait(0.2):
            pass
    finally:
        cloud.stop()
        typer.echo("local cloud stopped", err=True)


@app.command("bootstrap")
def bootstrap(
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        envvar="AWS_ENDPOINT_URL",
        help="The running local cloud (default: AWS_ENDPOINT_URL).",
    ),
    qualifier: str = typer.Option("hnb659fds", "--qualifier", help="The CDK bootstrap qualifier."),
) -> None:
    """Make a running local cloud look CDK-bootstrapped (asset bucket + version parameter), for `npx cdk deploy`."""
    from fogbank.deploy.bootstrap import bootstrap_local
    from fogbank.deploy.targets import resolve_target

    if endpoint is None:
        typer.echo(
            "fogbank cloud bootstrap: no --endpoint and no AWS_ENDPOINT_URL; start one with `fogbank cloud start`",
            err=True,
        )
        raise typer.Exit(2)
    result = bootstrap_local(resolve_target("local", endpoint=endpoint), qualifier)
    typer.echo(f"asset bucket: {result.bucket}")
    typer.echo(f"bootstrap version parameter: {result.version_parameter}")
