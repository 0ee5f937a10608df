"""What is known of a minor's runtime packages before and after pip (runtime_pins.py): Requires-Python and
Requires-Dist of the pinned distributions read for that minor, and the entry points' import check."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import Distribution, PathDistribution
from pathlib import Path

from fogbank.cloud.lambda_.runtime_pins import entry_points_command, pinned_distributions, unmet_requirements


def test_python_3_9_is_refused_naming_each_distribution_that_requires_a_newer_python() -> None:
    # WHEN the cloud's pins are checked for python3.9 and for the minors they support
    on_39 = unmet_requirements((3, 9), "x86_64")

    # THEN 3.9 is refused naming each distribution whose Requires-Python it does not meet, as pip compares it
    assert on_39 is not None
    for name in ("awslambdaric", "boto3", "botocore", "s3transfer", "urllib3"):
        assert f"{name} {pinned_distributions()[name]} requires Python >=3.10" in on_39
    assert "simplejson" not in on_39 and "jmespath" not in on_39
    assert unmet_requirements((3, 10), "x86_64") is None and unmet_requirements((3, 14), "arm64") is None


def _distribution(tmp_path: Path, name: str, requires: list[str], requires_python: str = "") -> Distribution:
    info = tmp_path / f"{name}-1.0.dist-info"
    info.mkdir()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Requires-Python: {requires_python}"] if requires_python else []
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    return PathDistribution(info)


def test_a_dependency_only_that_minor_needs_is_found_missing_from_the_pins(tmp_path: Path) -> None:
    # GIVEN a distribution that needs a backport on Python older than 3.13 only, one that names a pinned
    # distribution, and one whose other needs are extras
    needs_backport = _distribution(tmp_path, "needs-backport", ['exceptiongroup>=1; python_version < "3.13"'])
    needs_pinned = _distribution(tmp_path, "needs-pinned", ["Botocore>=1.0"])
    extras_only = _distribution(tmp_path, "extras-only", ['brotli; extra == "brotli"'])
    installed = [needs_backport, needs_pinned, extras_only]

    # WHEN the installed set is checked for 3.12 and for 3.13
    on_312 = unmet_requirements((3, 12), "x86_64", installed)
    on_313 = unmet_requirements((3, 13), "x86_64", installed)

    # THEN on 3.12 the backport is named as missing (--no-deps would leave it out); on 3.13 nothing is missing
    assert on_312 is not None and "needs-backport 1.0 requires exceptiongroup>=1" in on_312
    assert "Python 3.12" in on_312 and "needs-pinned" not in on_312
    assert on_313 is None
    # AND the cloud's own pins are complete for 3.12 and 3.13
    assert unmet_requirements((3, 12), "x86_64") is None and unmet_requirements((3, 13), "arm64") is None


def test_the_entry_points_check_imports_from_the_packages_directory_only(tmp_path: Path) -> None:
    # GIVEN a directory holding the runtime's top-level modules, one of which fails to import
    for name, text in {
        "awslambdaric/__init__.py": "",
        "awslambdaric/bootstrap.py": "",
        "simplejson/__init__.py": "",
        "snapshot_restore_py.py": "raise ImportError('built for another minor')",
        "boto3/__init__.py": "def client(*args, **kwargs):\n    return None\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    # WHEN the check runs on this interpreter
    done = subprocess.run(
        entry_points_command(Path(sys.executable), tmp_path), capture_output=True, text=True
    )

    # THEN it fails naming that import (the machine's own snapshot_restore_py is not used: -I -S)
    assert done.returncode != 0 and "built for another minor" in done.stderr
    # AND once it imports, the check passes
    (tmp_path / "snapshot_restore_py.py").write_text("")
    assert subprocess.run(entry_points_command(Path(sys.executable), tmp_path)).returncode == 0
