"""Find and load the config: ``--config PATH``, else ``.github/fogbank.yml``, else ``[tool.fogbank.repo]``.

Errors name the file, the key and, where the format allows, the line.

Example:
    >>> from pathlib import Path
    >>> load_config(Path("/nonexistent-checkout")).source
    'built-in defaults'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fogbank.errors import ConfigError
from fogbank.repo.config import RepoConfig

__all__ = ["LoadedConfig", "load_config"]

YAML_PATH = Path(".github/fogbank.yml")


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config and where it came from."""

    config: RepoConfig
    source: str


def load_config(root: Path, explicit: Path | None = None) -> LoadedConfig:
    """Load the config for the checkout at ``root`` (or from ``explicit``)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist; pass an existing file to --config")
        return _load_file(explicit)
    if (root / YAML_PATH).is_file():
        return _load_file(root / YAML_PATH)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _pyproject_table(pyproject)
        if table is not None:
            return LoadedConfig(_validate(table, pyproject, _toml_line_finder(pyproject)), f"{pyproject}")
    return LoadedConfig(RepoConfig(), "built-in defaults")


def _load_file(path: Path) -> LoadedConfig:
    if path.suffix == ".toml":
        table = _pyproject_table(path)
        if table is None:
            raise ConfigError(f"{path} has no [tool.fogbank.repo] table; add one or use .github/fogbank.yml")
        return LoadedConfig(_validate(table, path, _toml_line_finder(path)), str(path))
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        root_node = yaml.compose(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}. Fix the syntax and run again") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys such as 'labels:' and 'types:'")
    return LoadedConfig(_validate(data, path, lambda loc: _yaml_line(root_node, loc)), str(path))


def _pyproject_table(path: Path) -> dict[str, Any] | None:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    table = document.get("tool", {}).get("fogbank", {}).get("repo")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.fogbank.repo must be a table")
    return table


def _validate(data: dict[str, Any], path: Path, line_of: Any) -> RepoConfig:
    try:
        return RepoConfig.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            key = ".".join(str(part) for part in loc) or "(top level)"
            line = line_of(loc)
            where = f"{path}:{line}" if line else f"{path}"
            problems.append(f"{where}: key {key!r}: {item['msg']}")
        raise ConfigError(
            "invalid fogbank repo config:\n  "
            + "\n  ".join(problems)
            + "\nSee docs/repo.md for the keys, or docs/repo-config.schema.json for the schema."
        ) from None


def _yaml_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node along ``loc`` that exists."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            matches = [
                (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)
            ]
            if not matches:
                return line
            key_node, node = matches[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _toml_line_finder(path: Path) -> Any:
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(loc: tuple[Any, ...]) -> int | None:
        keys = [str(part) for part in loc if not isinstance(part, int)]
        start = next(
            (n for n, text in enumerate(lines) if text.strip().startswith("[tool.fogbank.repo")), None
        )
        if start is None or not keys:
            return None if start is None else start + 1
        key_line = re.compile(rf"^\s*\"?{re.escape(keys[-1])}\"?\s*=")
        table_line = re.compile(rf"^\s*\[tool\.fogbank\.repo\.{re.escape(keys[0])}\b")
        for pattern in (key_line, table_line):
            for number in range(start, len(lines)):
                if pattern.search(lines[number]):
                    return number + 1
        return start + 1

    return line_of
