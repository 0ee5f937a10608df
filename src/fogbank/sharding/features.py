"""Feature folders of an e2e suite, and how many tests each has (read from the source, nothing imported).

A feature is a folder holding an `infrastructure.py`, with every test file below it; a folder of test files
with no `infrastructure.py` above it (inside the suite) is a feature of its own. Features are what fogbank
deploys once and what a shard holds whole.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> suite = tempfile.TemporaryDirectory()
    >>> Path(suite.name, "logger", "handlers").mkdir(parents=True)
    >>> _ = Path(suite.name, "logger", "infrastructure.py").write_text("")
    >>> _ = Path(suite.name, "logger", "test_logger.py").write_text("def test_a(): pass\\n" * 2)
    >>> [(f.name, f.test_count) for f in discover_features([Path(suite.name)])]
    [('logger', 2)]
    >>> suite.cleanup()
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.errors import ConfigError

__all__ = ["FeatureFolder", "count_tests", "discover_features"]


@dataclass(frozen=True, order=True)
class FeatureFolder:
    """One feature: its name (the folder's), its folder, and its number of tests."""

    name: str
    path: Path
    test_count: int


def _is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


def _parametrize_factor(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """How many cases `@pytest.mark.parametrize(names, [literal list])` decorators make (1 if not literal)."""
    factor = 1
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call) or len(decorator.args) < 2:
            continue
        name = ast.unparse(decorator.func)
        values = decorator.args[1]
        if name.endswith("parametrize") and isinstance(values, ast.List | ast.Tuple):
            factor *= max(1, len(values.elts))
    return factor


def _tests_in(body: Iterable[ast.stmt]) -> int:
    count = 0
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            count += _parametrize_factor(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += _tests_in(node.body)
    return count


def count_tests(test_file: Path) -> int:
    """Test functions in `test_file` (methods of `Test*` classes included, literal parametrize expanded).

    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "test_demo.py"
    >>> _ = path.write_text("import pytest\\n@pytest.mark.parametrize('x', [1, 2])\\ndef test_a(x): pass\\n")
    >>> count_tests(path)
    2
    >>> folder.cleanup()
    """
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"), filename=str(test_file))
    except SyntaxError as exc:
        raise ConfigError(
            f"{test_file}: line {exc.lineno}: {exc.msg}; fix the syntax error, then plan the shards again"
        ) from exc
    return _tests_in(tree.body)


def _owner(test_dir: Path, roots: Sequence[Path]) -> Path:
    """The folder of the feature a test folder belongs to: the nearest with an infrastructure.py."""
    for folder in (test_dir, *test_dir.parents):
        if (folder / "infrastructure.py").is_file():
            return folder
        if folder in roots:
            break
    return test_dir


def discover_features(paths: Sequence[Path]) -> list[FeatureFolder]:
    """The features under `paths` (suite folders or feature folders), sorted by name, then folder."""
    roots = [path.resolve() for path in paths]
    for root in roots:
        if not root.is_dir():
            raise ConfigError(
                f"{root} is not a folder; pass the folder of your feature folders, e.g. tests/e2e"
            )
    counts: dict[Path, int] = {}
    for root in roots:
        for test_file in sorted(root.rglob("*.py")):
            if not _is_test_file(test_file) or "__pycache__" in test_file.parts:
                continue
            owner = _owner(test_file.parent, roots)
            counts[owner] = counts.get(owner, 0) + count_tests(test_file)
    cwd = Path.cwd()
    features = [
        FeatureFolder(name=folder.name, path=_relative(folder, cwd), test_count=count)
        for folder, count in counts.items()
    ]
    return sorted(features)


def _relative(folder: Path, base: Path) -> Path:
    try:
        return folder.relative_to(base)
    except ValueError:
        return folder
