"""The layer build with real pip (pip's index is the only thing reached), and its hash cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import FogbankConfig
from fogbank.errors import LayerBuildError
from fogbank.layer import LayerBuilder

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("framework-test_layer")]


def _config(root: Path, *requirements: str) -> FogbankConfig:
    return FogbankConfig(root=root, layer_requirements=requirements, cdk_out=root / "cdk.out")


def test_layer_hash_cache_skips_unchanged_and_rebuilds_changed(tmp_path: Path):
    # GIVEN a layer built from one requirement
    layer = LayerBuilder(_config(tmp_path, "six==1.17.0")).build()
    site = layer / "python"
    marker = site / "built-marker"
    marker.write_text("from the first build", encoding="utf-8")
    assert (site / "six.py").is_file() and (tmp_path / "cdk.out" / "layer_build.diff").is_file()
    # WHEN it is built again with the same inputs
    again = LayerBuilder(_config(tmp_path, "six==1.17.0")).build()
    # THEN nothing was rebuilt (the folder still holds what we left in it)
    assert again == layer and marker.read_text(encoding="utf-8") == "from the first build"
    # WHEN the requirements change
    LayerBuilder(_config(tmp_path, "six==1.16.0")).build()
    # THEN the layer is rebuilt from scratch with the new version
    assert not marker.exists()
    assert [p.name for p in site.glob("six-*.dist-info")] == ["six-1.16.0.dist-info"]


def test_layer_prunes_boto_caches_and_tests(tmp_path: Path):
    # GIVEN a requirement that pulls boto3, botocore and s3transfer
    layer = LayerBuilder(_config(tmp_path, "boto3==1.44.5")).build()
    site = layer / "python"
    # WHEN it is built / THEN the SDK (provided by Lambda), __pycache__ and tests folders are gone
    assert not any((site / name).exists() for name in ("boto3", "botocore", "s3transfer"))
    assert not list(site.glob("boto*.dist-info")) and not list(site.glob("s3transfer-*.dist-info"))
    assert not list(site.rglob("__pycache__")) and not [p for p in site.rglob("tests") if p.is_dir()]
    # AND the other dependencies are there, as manylinux/py3.11 wheels
    assert (site / "jmespath").is_dir() and (site / "dateutil").is_dir()


def test_a_bad_requirement_names_it_and_shows_pips_output(tmp_path: Path):
    # GIVEN a requirement that does not exist
    builder = LayerBuilder(_config(tmp_path, "fogbank-no-such-package-xyz==0.0.1"))
    # WHEN the layer is built
    with pytest.raises(LayerBuildError) as caught:
        builder.build()
    # THEN the error names the requirement and carries pip's own words; no half layer is left
    message = str(caught.value)
    assert "fogbank-no-such-package-xyz==0.0.1" in message
    assert "No matching distribution found" in message or "Could not find a version" in message
    assert not builder.path.exists() and not builder.hash_file.exists()
    assert not list((tmp_path / "cdk.out").glob("layer_build.*/"))


def test_layer_from_a_local_project_is_built_as_a_wheel(tmp_path: Path):
    # GIVEN a tiny local project as the library under test
    project = tmp_path / "mylib"
    (project / "src" / "mylib").mkdir(parents=True)
    (project / "src" / "mylib" / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "mylib"\nversion = "0.1.0"\n',
        encoding="utf-8",
    )
    config = FogbankConfig(
        root=tmp_path, layer_requirements=(), layer_project=project, cdk_out=tmp_path / "out"
    )
    builder = LayerBuilder(config)
    first_hash = builder.source_hash()
    # WHEN the layer is built
    site = builder.build() / "python"
    # THEN the project's package is in it
    assert (site / "mylib" / "__init__.py").read_text(encoding="utf-8") == "VALUE = 1\n"
    # AND a source change changes the hash (so the next build runs)
    (project / "src" / "mylib" / "__init__.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert builder.source_hash() != first_hash and not builder.is_current()
