"""Which library a built layer holds: its distribution name, import name and version, read from the layer.

The version comes from the built layer's own `*.dist-info/METADATA`, never from the command line alone, so
`fogbank layer publish --version X` refuses to publish a layer that holds another version.

Example:
    >>> distribution_of(["aws-lambda-powertools[tracer]==3.37.0"])
    'aws-lambda-powertools'
    >>> layer_name("aws-lambda-powertools", "3.11", "arm64")
    'aws-lambda-powertools-python311-arm64'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from fogbank.config import FogbankConfig
from fogbank.errors import ConfigError, LayerBuildError

__all__ = [
    "LayerLibrary",
    "configured_distribution",
    "distribution_of",
    "layer_name",
    "library_in",
    "project_distribution",
]

_LAYER_NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class LayerLibrary:
    """The library a layer ships: `distribution` for importlib.metadata, `module` for import."""

    distribution: str
    module: str
    version: str


def distribution_of(requirements: list[str] | tuple[str, ...]) -> str:
    """The distribution of the first requirement: the library the layer is about."""
    if not requirements:
        raise ConfigError("[tool.fogbank] layer_requirements is empty; name the library under test first")
    try:
        return Requirement(requirements[0]).name
    except InvalidRequirement as error:
        raise ConfigError(f"[tool.fogbank] layer_requirements[0] {requirements[0]!r}: {error}") from None


def project_distribution(project: Path) -> str:
    """The `[project] name` of a layer_project."""
    pyproject = project / "pyproject.toml"
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        raise ConfigError(
            f"{pyproject} has no [project] name; fogbank needs it to know which distribution the layer ships"
        ) from None
    return str(name)


def configured_distribution(config: FogbankConfig) -> str:
    """The library under test, from layer_project or the first of layer_requirements."""
    if config.layer_project is not None:
        return project_distribution(config.layer_project)
    return distribution_of(config.layer_requirements)


def layer_name(distribution: str, python_version: str, architecture: str) -> str:
    """The public layer's name: `<distribution>-python<XY>-<architecture>` (Lambda's allowed characters)."""
    base = _LAYER_NAME.sub("-", distribution).strip("-")
    return f"{base}-python{python_version.replace('.', '')}-{architecture}"[:140]


def library_in(layer_dir: Path, distribution: str) -> LayerLibrary:
    """Read the distribution's version and import name from a built layer folder (`<dir>/python`)."""
    wanted = canonicalize_name(distribution)
    site = layer_dir / "python"
    for metadata_file in sorted(site.glob("*.dist-info/METADATA")):
        headers = HeaderParser().parsestr(metadata_file.read_text(encoding="utf-8", errors="replace"))
        if canonicalize_name(headers.get("Name", "")) != wanted:
            continue
        top_level = metadata_file.parent / "top_level.txt"
        modules = top_level.read_text(encoding="utf-8").split() if top_level.is_file() else []
        module = modules[0] if modules else distribution.replace("-", "_").lower()
        return LayerLibrary(distribution=distribution, module=module, version=headers.get("Version", ""))
    raise LayerBuildError(
        f"the built layer {layer_dir} does not contain {distribution} (no matching *.dist-info); "
        "check [tool.fogbank] layer_requirements"
    )
