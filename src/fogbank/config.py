"""Settings: `[tool.fogbank]` in the project's pyproject.toml, overridden by `FOGBANK_*` environment variables.

Keys (all optional):

    [tool.fogbank]
    layer_requirements = ["aws-lambda-powertools[tracer]==3.37.0"]   # pip requirement strings, or
    layer_project = "."                                              # a local project built as a wheel
    cdk_out = "cdk.out"                                              # where assemblies and the layer go
    target = "local"                                                 # or "aws"

Example:
    >>> import tempfile
    >>> from fogbank.config import load_config
    >>> project = tempfile.TemporaryDirectory()
    >>> _ = Path(project.name, "pyproject.toml").write_text('[tool.fogbank]\\ncdk_out = "build/cdk.out"\\n')
    >>> config = load_config(Path(project.name))
    >>> config.cdk_out.relative_to(config.root).as_posix(), config.target
    ('build/cdk.out', 'local')
    >>> project.cleanup()
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fogbank.errors import ConfigError

__all__ = ["TARGETS", "FogbankConfig", "find_project_root", "load_config"]

TARGETS = ("local", "aws")
_KNOWN_KEYS = {"layer_requirements", "layer_project", "cdk_out", "target"}
DEFAULT_LAYER_REQUIREMENTS = ("aws-lambda-powertools[tracer]==3.37.0",)


@dataclass(frozen=True)
class FogbankConfig:
    """The resolved settings of one project."""

    root: Path
    layer_requirements: tuple[str, ...] = DEFAULT_LAYER_REQUIREMENTS
    layer_project: Path | None = None
    cdk_out: Path = field(default=Path("cdk.out"))
    target: str = "local"


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) holding a pyproject.toml.

    Falls back to `start` itself when there is none.
    """
    origin = (start or Path.cwd()).resolve()
    for folder in (origin, *origin.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return origin


def _read_tool_table(pyproject: Path) -> dict[str, Any]:
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject} is not valid TOML ({exc}); fix the file and run again") from exc
    table = data.get("tool", {}).get("fogbank", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.fogbank] must be a table")
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{pyproject}: unknown key(s) in [tool.fogbank]: {', '.join(unknown)}; "
            f"known keys are {', '.join(sorted(_KNOWN_KEYS))}"
        )
    return table


def _requirements(value: Any, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(f"{source}: layer_requirements must be a list of pip requirement strings")
    return tuple(item.strip() for item in value)


def load_config(start: Path | None = None) -> FogbankConfig:
    """Read `[tool.fogbank]` from the project at or above `start`, then apply `FOGBANK_*` variables.

    Environment: FOGBANK_TARGET, FOGBANK_CDK_OUT, FOGBANK_LAYER_REQUIREMENTS (comma separated),
    FOGBANK_LAYER_PROJECT.
    """
    root = find_project_root(start)
    pyproject = root / "pyproject.toml"
    table = _read_tool_table(pyproject)
    source = f"{pyproject} [tool.fogbank]"

    requirements: tuple[str, ...] = DEFAULT_LAYER_REQUIREMENTS
    project: Path | None = None
    if "layer_requirements" in table and "layer_project" in table:
        raise ConfigError(f"{source}: set either layer_requirements or layer_project, not both")
    if "layer_requirements" in table:
        requirements = _requirements(table["layer_requirements"], source)
    if "layer_project" in table:
        project = root / str(table["layer_project"])
    if env_requirements := os.environ.get("FOGBANK_LAYER_REQUIREMENTS"):
        requirements = _requirements(env_requirements.split(","), "FOGBANK_LAYER_REQUIREMENTS")
        project = None
    if env_project := os.environ.get("FOGBANK_LAYER_PROJECT"):
        project = Path(env_project).resolve()
    if (
        project is not None
        and not (project / "pyproject.toml").is_file()
        and not (project / "setup.py").is_file()
    ):
        raise ConfigError(
            f"{source}: layer_project {project} is not a Python project (no pyproject.toml or setup.py); "
            "point it at the folder of the library under test"
        )

    cdk_out = Path(os.environ.get("FOGBANK_CDK_OUT") or str(table.get("cdk_out", "cdk.out")))
    target = os.environ.get("FOGBANK_TARGET") or str(table.get("target", "local"))
    if target not in TARGETS:
        raise ConfigError(f"target {target!r} is unknown; choose one of {', '.join(TARGETS)}")
    return FogbankConfig(
        root=root,
        layer_requirements=requirements,
        layer_project=project,
        cdk_out=cdk_out if cdk_out.is_absolute() else root / cdk_out,
        target=target,
    )
