"""Warm CDK synth of one feature (two handlers, a layer, log groups), uncached vs cached.

"Warm" means aws_cdk is already imported in the process (the first synth of a session pays ~1-4 s more).
Run: .venv/bin/python -m pytest benchmarks/test_synth.py --benchmark-only -p no:xdist
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from fogbank.deploy.targets import local_target
from fogbank.infrastructure import find_infrastructure_class
from fogbank.synth import synthesize

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "features"


@pytest.fixture(scope="module")
def feature(tmp_path_factory: pytest.TempPathFactory) -> Any:
    project = tmp_path_factory.mktemp("bench") / "proj"
    shutil.copytree(FIXTURES, project, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    target = local_target("http://127.0.0.1:9", region="us-east-1", account_id="123456789012")
    stack_class = find_infrastructure_class(project / "two_handlers" / "infrastructure.py")
    synthesize(stack_class(target=target), force=True)  # import aws_cdk and build the layer once
    return lambda: stack_class(target=target)


def test_synth_uncached(benchmark: Any, feature: Any) -> None:
    assembly = benchmark.pedantic(lambda: synthesize(feature(), force=True), rounds=3, iterations=1)
    assert (assembly / "manifest.json").is_file()


def test_synth_cached(benchmark: Any, feature: Any) -> None:
    assembly = benchmark.pedantic(lambda: synthesize(feature()), rounds=20, iterations=1)
    assert (assembly / "fogbank-synth.hash").is_file()
