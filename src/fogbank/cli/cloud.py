"""`fogbank cloud`: run the local cloud in the foreground."""

from __future__ import annotations

import gc
import signal
import threading
from pathlib import Path
from types import FrameType

import typer

app = typer.Typer(help="Run the local cloud: an AWS-compatible endpoint on 127.0.0.1.", no_args_is_help=True)


@app.command("start")
def start(
    port: int = typer.Option(4566, "--port", min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one."),
    state_dir: Path | None = typer.Option(
        None,
        "--state-dir",
        help="Where code, layers and workers live (default: a new directory in $FOGBANK_CACHE_DIR/clouds, deleted at stop).",
    ),
    region: str = typer.Option("us-east-1", "--region", help="The default region."),
    console_port: int | None = typer.Option(
        None,
        "--console-port",
        min=0,
        max=65535,
        help="Port of the web console on 127.0.0.1 (default: 4580, or a free one with --port 0 or when 4580 "
        "is taken); 0 picks a free one.",
    ),
    no_console: bool = typer.Option(False, "--no-console", help="Do not serve the web console."),
    iam: str | None = typer.Option(
        None,
        "--iam",
        help="IAM: enforce (AccessDenied as on AWS), warn (allow and log), off. Default: FOGBANK_IAM_MODE, else enforce.",
    ),
) -> None:
    """Serve until SIGINT or SIGTERM; the first line printed is `endpoint: http://127.0.0.1:<port>`, the
    second `console: http://127.0.0.1:<console port>/_fogbank/console/` (unless --no-console)."""
    from fogbank.cloud import LocalCloud
    from fogbank.cloud.console import DEFAULT_CONSOLE_PORT

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if no_console:
        console = None
    elif console_port is None:
        console = 0 if port == 0 else DEFAULT_CONSOLE_PORT  # the default falls back to a free port when taken
    else:
        console = console_port
    cloud = LocalCloud(
        port=port, state_dir=state_dir, region=region, console_port=console, iam_mode=iam
    ).start()
    gc.freeze()  # moto's models and the components live as long as this process: no collection walks them
    try:
        typer.echo(f"endpoint: {cloud.endpoint}", color=False)
        if cloud.console_url is not None:
            typer.echo(f"console: {cloud.console_url}", color=False)
        typer.echo("Point boto3 or the AWS CLI at it with:", err=True)
        for key, value in cloud.env().items():
            typer.echo(f"  export {key}={value}", err=True)
        typer.echo(f"IAM: {cloud.iam_mode} (--iam enforce|warn|off)", err=True)
        typer.echo("Ctrl-C stops it.", err=True)
        while not stop.wait(0.2):
            pass
    finally:
        for finding, count in cloud.context.iam.findings():
            typer.echo(f"IAM {finding.line()}" + (f" (x{count})" if count > 1 else ""), err=True)
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
    """Bootstrap a running local cloud for the CDK: the CDK CLI's own bootstrap template, as `npx cdk bootstrap`."""
    from fogbank.deploy.bootstrap import bootstrap_local
    from fogbank.deploy.targets import resolve_target

    if endpoint is None:
        typer.echo(
            "fogbank cloud bootstrap: no --endpoint and no AWS_ENDPOINT_URL; start one with `fogbank cloud start`",
            err=True,
        )
        raise typer.Exit(2)
    result = bootstrap_local(resolve_target("local", endpoint=endpoint), qualifier)
    typer.echo(f"CDKToolkit: {result.stack_status}")
    typer.echo(f"asset bucket: {result.bucket}")
    typer.echo(f"bootstrap version parameter: {result.version_parameter}")
