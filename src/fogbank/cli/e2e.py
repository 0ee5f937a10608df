"""`fogbank e2e [pytest args]`: run the e2e suites, in parallel, on the local cloud by default.

It runs pytest in this process: `pytest tests/e2e -n auto --dist loadgroup` with a plugin of its own
(fogbank.cli.e2e_progress: per-feature progress and summary; fogbank's pytest plugin keeps each feature on one
worker), plus whatever you pass (pytest's own options and fogbank's, e.g. `--fogbank-target aws`). What you pass wins:
a path replaces `tests/e2e`, `-n 0` or `-p no:xdist` replaces `-n auto`.

Example:
    $ fogbank e2e                                   # every feature under tests/e2e, on the local cloud
    $ fogbank e2e tests/e2e/logger -k cold_start    # one feature, some tests
    $ fogbank e2e --fogbank-target aws              # the same files against AWS
    $ fogbank e2e --shard-plan 4                    # how 4 CI machines would split the features
    $ fogbank e2e --shard 2/4                       # run the second of those four shards
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import typer

__all__ = ["build_pytest_args", "register"]

DEFAULT_SUITE = "tests/e2e"
PROGRESS_PLUGIN = "fogbank.cli.e2e_progress"
_JSII_QUIET = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
}


def _names_a_path(arg: str) -> bool:
    return not arg.startswith("-") and Path(arg.split("::", 1)[0]).exists()


def _sets_workers(args: Sequence[str]) -> bool:
    for index, arg in enumerate(args):
        if arg in ("-n", "--numprocesses") or arg.startswith(("-n", "--numprocesses=")):
            return True
        if arg == "-p" and index + 1 < len(args) and args[index + 1] == "no:xdist":
            return True
        if arg == "-pno:xdist":
            return True
    return False


def _needs_feature_groups(args: Sequence[str]) -> bool:
    """The user asked for workers (-n N, N not 0) but chose no distribution: features must stay whole."""
    workers: str | None = None
    for index, arg in enumerate(args):
        if arg == "-d" or arg.startswith("--dist"):
            return False
        if arg in ("-n", "--numprocesses") and index + 1 < len(args):
            workers = args[index + 1]
        elif arg.startswith("--numprocesses="):
            workers = arg.split("=", 1)[1]
        elif arg.startswith("-n") and len(arg) > 2:
            workers = arg[2:]
    return workers is not None and workers != "0"


def build_pytest_args(user_args: Sequence[str], suite: str = DEFAULT_SUITE) -> list[str]:
    """The pytest command line `fogbank e2e` runs for `user_args`.

    Workers the user asks for (`-n 4`) keep each feature on one worker (`--dist loadgroup`) unless the user
    chooses a distribution too.

    >>> build_pytest_args([])[2:]
    ['-n', 'auto', '--dist', 'loadgroup', 'tests/e2e']
    >>> build_pytest_args(["-n", "0", "-x"])[2:]
    ['-n', '0', '-x', 'tests/e2e']
    >>> build_pytest_args(["-n", "4"])[2:]
    ['--dist', 'loadgroup', '-n', '4', 'tests/e2e']
    """
    args = ["-p", PROGRESS_PLUGIN]
    if not _sets_workers(user_args):
        args += ["-n", "auto", "--dist", "loadgroup"]
    elif _needs_feature_groups(user_args):
        args += ["--dist", "loadgroup"]
    args += list(user_args)
    if not any(_names_a_path(arg) for arg in user_args):
        args.append(suite)
    return args


def _apply_shard_options(user_args: list[str]) -> list[str]:
    """Handle --shard-plan (print, exit) and --shard (the shard's feature folders replace the suite)."""
    from fogbank.cli.e2e_shard import split_shard_options, suite_paths
    from fogbank.errors import ConfigError
    from fogbank.sharding import default_durations_path, format_plan, plan_for

    try:
        options = split_shard_options(user_args)
        if options.plan is None and options.shard is None:
            return user_args
        folders, rest = suite_paths(options.pytest_args, DEFAULT_SUITE)
        durations = default_durations_path(target=_target_in(options.pytest_args))
        if options.plan is not None:
            for line in format_plan(plan_for(folders, options.plan, durations)):
                typer.echo(line)
            typer.echo(
                f"durations from {durations}" + ("" if durations.is_file() else " (absent: all estimated)")
            )
            raise typer.Exit(0)
        assert options.shard is not None
        index, count = options.shard
        shard = plan_for(folders, count, durations).shard(index)
    except ConfigError as exc:
        typer.echo(f"fogbank e2e: {exc}", err=True)
        raise typer.Exit(4) from exc
    if not shard.features:
        typer.echo(
            f"fogbank e2e: shard {index}/{count} has no features (fewer features than shards); nothing to run"
        )
        _write_empty_summary(rest)
        raise typer.Exit(0)
    names = ", ".join(feature.name for feature in shard.features)
    typer.echo(f"fogbank e2e: shard {index}/{count}: {names} (expected {shard.seconds:.0f} s)", err=True)
    return [*rest, *(str(feature.path) for feature in shard.features)]


def _target_in(args: list[str]) -> str:
    """The target a run of `args` deploys to (--fogbank-target, else FOGBANK_TARGET, else local)."""
    for index, arg in enumerate(args):
        if arg.startswith("--fogbank-target="):
            return arg.split("=", 1)[1]
        if arg == "--fogbank-target" and index + 1 < len(args):
            return args[index + 1]
    return os.environ.get("FOGBANK_TARGET") or "local"


def _write_empty_summary(args: list[str]) -> None:
    """An empty shard still leaves the summary asked for, so that `fogbank report merge` finds it."""
    import json

    from fogbank.cli.e2e_progress import REPORT_OPTION

    for index, arg in enumerate(args):
        if arg.startswith(REPORT_OPTION + "="):
            path = Path(arg.split("=", 1)[1])
        elif arg == REPORT_OPTION and index + 1 < len(args):
            path = Path(args[index + 1])
        else:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"wall_seconds": 0.0, "features": {}}) + "\n", encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add `fogbank e2e` to the top-level app."""

    @app.command(
        "e2e",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )
    def e2e(ctx: typer.Context) -> None:
        """Run the e2e suites (tests/e2e) with pytest, in parallel; extra arguments go to pytest.

        Shows each feature's deploy, tests and teardown as they happen, and a summary at the end.
        `--fogbank-target aws` runs the same files against AWS; `--fogbank-keep-stacks` keeps the stacks.
        `--shard I/N` runs shard I of N (whole features, balanced by .fogbank/durations.json);
        `--shard-plan N` prints which features each of N shards runs and its expected time.
        """
        import pytest

        user_args = list(ctx.args)
        if any(arg in ("-h", "--help") for arg in user_args):
            typer.echo((e2e.__doc__ or "").strip())
            typer.echo("\npytest options follow (fogbank's are under 'fogbank'):\n")
            raise typer.Exit(pytest.main(["--help", "-p", PROGRESS_PLUGIN]))
        if not any(_names_a_path(arg) for arg in user_args) and not Path(DEFAULT_SUITE).is_dir():
            typer.echo(
                f"fogbank e2e: no {DEFAULT_SUITE}/ under {Path.cwd()}; run it from the project root, "
                "or pass the folder of your feature folders (e.g. `fogbank e2e path/to/e2e`)",
                err=True,
            )
            raise typer.Exit(4)
        user_args = _apply_shard_options(user_args)
        for key, value in _JSII_QUIET.items():
            os.environ.setdefault(key, value)
        args = build_pytest_args(user_args)
        typer.echo(f"fogbank e2e: pytest {' '.join(args)}", err=True)
        # fogbank itself is imported before pytest starts, so pytest cannot rewrite its asserts; that is
        # expected here and not the user's concern.
        quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
        raise typer.Exit(int(pytest.main([*quiet, *args])))
