"""Powertools' own e2e suite, migrated exactly as docs/migrating-from-powertools-utils.md says, passes unmodified.

The suite is a verbatim copy of the seed's `tests/e2e/parameters` (tests/fixtures/powertools_seed, see its
README): its stack reads `self.region` and `self.account_id`, builds names with the seed's data builders, and
its tests read outputs with `infrastructure.get(...)`. The test follows the guide's steps literally: the
`[tool.fogbank]` table of step 1, the sed block of step 2 (run with bash), the deletions of step 3, then
`fogbank e2e` (step 4) on the local cloud, in a subprocess as a user would run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fogbank

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "migrating-from-powertools-utils.md"
SEED = ROOT / "tests" / "fixtures" / "powertools_seed"


def _block(language: str) -> str:
    (block,) = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    return str(block)


@pytest.mark.slow
def test_seed_parameters_suite_migrated_by_the_guide_passes_unmodified(tmp_path: Path) -> None:
    # GIVEN the seed's suite in a project, migrated by the guide's three steps
    project = tmp_path / "project"
    shutil.copytree(SEED / "tests", project / "tests")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "migrated"\nversion = "0.0.0"\n\n' + _block("toml")
    )
    subprocess.run(["bash", "-euo", "pipefail", "-c", _block("bash")], cwd=project, check=True)
    (project / "tests" / "e2e" / "conftest.py").unlink()  # the layer build, now the plugin's
    (project / "tests" / "e2e" / "parameters" / "conftest.py").unlink()  # only deployed the stack
    migrated = (project / "tests" / "e2e" / "parameters" / "infrastructure.py").read_text()
    assert (
        "from fogbank.infrastructure import BaseInfrastructure" in migrated
        and "tests.e2e.utils" not in migrated
    )
    seed_files = {p.relative_to(SEED / "tests") for p in (SEED / "tests").rglob("*.py")}
    changed = {
        p.relative_to(project / "tests")
        for p in (project / "tests").rglob("*.py")
        if p.read_text() != (SEED / "tests" / p.relative_to(project / "tests")).read_text()
    }
    assert changed <= seed_files  # nothing but imports changed (checked line by line below)
    for relative in changed:
        before = (SEED / "tests" / relative).read_text().splitlines()
        after = (project / "tests" / relative).read_text().splitlines()
        assert [b for b, a in zip(before, after, strict=True) if b != a] == [
            b for b in before if "tests.e2e.utils" in b
        ]

    # WHEN `fogbank e2e` runs it on the local cloud
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FOGBANK_"))}
    env["PYTHONPATH"] = str(Path(fogbank.__file__).resolve().parents[1])
    result = subprocess.run(
        [sys.executable, "-m", "fogbank.cli", "e2e", "tests/e2e", "-n", "0", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    # THEN every test of the seed's suite passes
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert re.search(r"\b2 passed\b", output), output[-3000:]
