"""Layer build uncached (pip install of the project's layer requirements) vs cached (content hash hit).

Uses this repository's [tool.fogbank] layer_requirements (aws-lambda-powertools with extras), built into a
temp cdk.out. pip's own download cache is warm after the first round, as on a developer machine.
Run: .venv/bin/python -m pytest benchmarks/test_layer.py --benchmark-only -p no:xdist
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from fogbank.config import load_config
from fogbank.layer import LayerBuilder

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def builder(tmp_path_factory: pytest.TempPathFactory) -> LayerBuilder:
    config = dataclasses.replace(load_config(REPO), cdk_out=tmp_path_factory.mktemp("layer") / "cdk.out")
    return LayerBuilder(config)


def test_layer_build_uncached(benchmark: Any, builder: LayerBuilder) -> None:
    def rebuild() -> Path:
        builder.delete()
        return builder.build()

    layer = benchmark.pedantic(rebuild, rounds=2, iterations=1, warmup_rounds=1)
    assert (layer / "python" / "aws_lambda_powertools").is_dir()


def test_layer_build_cached(benchmark: Any, builder: LayerBuilder) -> None:
    builder.build()
    layer = benchmark.pedantic(builder.build, rounds=20, iterations=1)
    assert builder.is_current() and layer == builder.path
