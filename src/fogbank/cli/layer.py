"""`fogbank layer`: publish the library under test as a public Lambda layer, and verify it in each region.

Example:
    $ fogbank layer publish --version 3.37.0 --regions all --architectures x86_64,arm64
    $ fogbank layer verify --version 3.37.0 --regions eu-west-1,us-east-1
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Publish the library under test as a public Lambda layer and verify it.", no_args_is_help=True
)

_REGIONS = typer.Option(
    None,
    "--regions",
    help="`all` (every region enabled for the account) or a list: us-east-1,eu-west-1. "
    "Default: the session's region.",
)
_ARCHITECTURES = typer.Option("x86_64,arm64", "--architectures", help="Comma-separated: x86_64, arm64.")
_VERSION = typer.Option(..., "--version", help="The library release the layer must hold, e.g. 3.37.0.")


T = TypeVar("T")


def _usage(read: Callable[[], T]) -> T:
    """Bad input (a ConfigError naming the option) is a usage error, exit 2, before anything is built or called."""
    from fogbank.errors import ConfigError

    try:
        return read()
    except ConfigError as error:
        raise typer.BadParameter(str(error)) from None


def _session_region() -> str:
    import boto3

    return boto3.session.Session().region_name or "us-east-1"


@app.command("publish")
def publish(
    version: str = _VERSION,
    regions: str | None = _REGIONS,
    architectures: str = _ARCHITECTURES,
    organization_id: str | None = typer.Option(
        None, "--organization-id", help="Share with one AWS Organization (o-...) instead of every account."
    ),
    staging_bucket: str | None = typer.Option(
        None,
        "--staging-bucket",
        help="For archives over 50 MB: a bucket per region, e.g. 'my-assets-{region}'.",
    ),
    record: Path | None = typer.Option(
        None, "--record", help="The JSON record (default .fogbank/layers/<distribution>-<version>.json)."
    ),
    markdown: Path | None = typer.Option(
        None, "--markdown", help="The Markdown table for the docs (default: the record's path with .md)."
    ),
) -> None:
    """Build the layer once per architecture and publish it, public, to each region (idempotent)."""
    from fogbank.config import load_config
    from fogbank.layer import LayerBuilder
    from fogbank.layer_release import (
        LayerPublisher,
        LayerRecord,
        boto3_clients,
        configured_distribution,
        library_in,
        parse_architectures,
        resolve_regions,
        zip_layer,
    )

    console = Console(stderr=True)
    config = load_config()
    distribution = _usage(lambda: configured_distribution(config))
    wanted_architectures = _usage(lambda: parse_architectures(architectures))
    clients = boto3_clients()
    home = _session_region()
    wanted_regions = _usage(lambda: resolve_regions(regions or home, clients, home))
    archives, library, python_version = {}, None, ""
    for arch in wanted_architectures:
        builder = LayerBuilder(config, architecture=arch, console=console)
        layer_dir = builder.build()
        library = library_in(layer_dir, distribution)
        if library.version != version:
            raise typer.BadParameter(
                f"the built {arch} layer holds {distribution} {library.version}, not {version}; set "
                "[tool.fogbank] layer_requirements (or layer_project) to the release you publish",
                param_hint="--version",
            )
        archives[arch] = zip_layer(layer_dir)
        python_version = builder.python_version
        console.print(f"{arch} layer: {archives[arch].size_mb:.1f} MB, sha256 {archives[arch].sha256[:12]}")
    assert library is not None
    publisher = LayerPublisher(
        clients=clients,
        python_version=python_version,
        organization_id=organization_id,
        staging_bucket=staging_bucket,
        on_entry=lambda e: console.print(f"  {e.region} {e.architecture}: {e.status} {e.arn or e.reason}"),
    )
    result = publisher.publish(library, archives, regions=wanted_regions)
    record_path = record or config.root / ".fogbank" / "layers" / f"{distribution}-{version}.json"
    previous = LayerRecord.read(record_path)
    merged = previous.merged_with(result) if previous is not None else result
    merged.write(record_path)
    markdown_path = markdown or record_path.with_suffix(".md")
    markdown_path.write_text(merged.markdown(), encoding="utf-8")

    table = Table(title=f"{distribution} {version}: layer versions")
    for column in ("Region", "Architecture", "Status", "ARN or reason"):
        table.add_column(column)
    for entry in result.entries:
        style = "red" if entry.status == "failed" else None
        table.add_row(
            entry.region, entry.architecture, entry.status, entry.arn or entry.reason or "", style=style
        )
    Console().print(table)
    console.print(f"record: {record_path}\nmarkdown: {markdown_path}")
    failed = [f"{e.region}/{e.architecture}" for e in result.entries if e.status == "failed"]
    if failed:
        console.print(f"[red]publishing failed in {', '.join(failed)}[/]; the other regions are published")
        raise typer.Exit(1)


@app.command("verify")
def verify(
    version: str = _VERSION,
    regions: str | None = _REGIONS,
    architectures: str = _ARCHITECTURES,
    deadline: float = typer.Option(180.0, "--deadline", help="Seconds a canary may take to become Active."),
    module: str | None = typer.Option(
        None, "--module", help="The import name (default: the distribution's name with _ for -)."
    ),
) -> None:
    """Deploy a canary with the published layer in each region, compare the version it reports, delete it."""
    from fogbank.config import load_config
    from fogbank.layer import LayerBuilder
    from fogbank.layer_release import (
        LayerLibrary,
        LayerVerifier,
        boto3_clients,
        configured_distribution,
        parse_architectures,
        resolve_regions,
    )

    console = Console(stderr=True)
    config = load_config()
    distribution = _usage(lambda: configured_distribution(config))
    wanted_architectures = _usage(lambda: parse_architectures(architectures))
    module_name = module or distribution.replace("-", "_").lower()
    library = LayerLibrary(distribution=distribution, module=module_name, version=version)
    clients = boto3_clients()
    home = _session_region()
    wanted_regions = _usage(lambda: resolve_regions(regions or home, clients, home))
    verifier = LayerVerifier(
        clients=clients,
        python_version=LayerBuilder(config).python_version,
        home_region=home,
        deadline_seconds=deadline,
        on_result=lambda r: console.print(f"  {r.region} {r.architecture}: {'pass' if r.passed else 'FAIL'}"),
    )
    report = verifier.verify(library, regions=wanted_regions, architectures=wanted_architectures)
    table = Table(title=f"{distribution} {version}: layer verification")
    for column in ("Region", "Architecture", "Result", "Reason", "Left behind"):
        table.add_column(column)
    for result in report.results:
        table.add_row(
            result.region,
            result.architecture,
            "pass" if result.passed else "FAIL",
            result.reason,
            result.left_behind,
            style=None if result.passed else "red",
        )
    Console().print(table)
    if report.role_left_behind != "nothing":
        console.print(f"[yellow]left behind: {report.role_left_behind}[/]")
    if not report.passed:
        raise typer.Exit(1)
