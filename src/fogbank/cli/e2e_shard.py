"""`fogbank e2e --shard I/N` and `--shard-plan N`: whole features per CI machine.

Both options are fogbank's own and are taken out of the command line before pytest sees it. The features
are the ones under the paths given (default `tests/e2e`); the plan comes from fogbank.sharding.

Example:
    $ fogbank e2e --shard-plan 4          # which features each of 4 shards runs, and its expected time
    $ fogbank e2e --shard 2/4 -n 2        # run the second shard, on 2 workers
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fogbank.errors import ConfigError

__all__ = ["ShardOptions", "split_shard_options"]


@dataclass
class ShardOptions:
    """What the command line asked for: a shard to run (index, count) and/or a plan of N shards."""

    shard: tuple[int, int] | None = None
    plan: int | None = None
    pytest_args: list[str] = field(default_factory=list)


def _value(args: Sequence[str], index: int, option: str) -> tuple[str, int]:
    arg = args[index]
    if arg.startswith(option + "="):
        return arg.split("=", 1)[1], index + 1
    if index + 1 >= len(args):
        raise ConfigError(f"{option} needs a value, e.g. {option} {'2/4' if option == '--shard' else '4'}")
    return args[index + 1], index + 2


def split_shard_options(args: Sequence[str]) -> ShardOptions:
    """Take `--shard I/N` and `--shard-plan N` out of `args`.

    >>> split_shard_options(["--shard", "1/2", "-x"])
    ShardOptions(shard=(1, 2), plan=None, pytest_args=['-x'])
    """
    from fogbank.sharding import parse_shard

    options = ShardOptions()
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--shard" or arg.startswith("--shard="):
            text, index = _value(args, index, "--shard")
            options.shard = parse_shard(text)
        elif arg == "--shard-plan" or arg.startswith("--shard-plan="):
            text, index = _value(args, index, "--shard-plan")
            if not text.strip().isdigit() or int(text) < 1:
                raise ConfigError(f"--shard-plan {text!r}: give the number of shards, e.g. --shard-plan 4")
            options.plan = int(text)
        else:
            options.pytest_args.append(arg)
            index += 1
    return options


def suite_paths(pytest_args: Sequence[str], default: str) -> tuple[list[Path], list[str]]:
    """The folders named in `pytest_args` (else `default`), and the arguments that are not folders."""
    folders = [Path(arg) for arg in pytest_args if not arg.startswith("-") and Path(arg).is_dir()]
    others = [arg for arg in pytest_args if arg.startswith("-") or not Path(arg).is_dir()]
    for arg in others:
        if not arg.startswith("-") and "::" in arg:
            raise ConfigError(
                f"{arg}: --shard splits whole feature folders; pass folders (or nothing for the whole suite), "
                "not single tests"
            )
    return (folders or [Path(default)]), others
