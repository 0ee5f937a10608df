"""Which library a built layer holds: distribution, import name and version read from the layer itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import FogbankConfig
from fogbank.errors import ConfigError, LayerBuildError
from fogbank.layer_release.library import (
    configured_distribution,
    distribution_of,
    layer_name,
    library_in,
)


def dist_info(site: Path, name: str, version: str, top_level: str | None = None) -> None:
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nBody\n")
    if top_level is not None:
        (folder / "top_level.txt").write_text(top_level)


def test_the_library_is_found_by_its_normalized_name_with_its_import_name(tmp_path: Path) -> None:
    # GIVEN a layer holding a dependency and the library, whose import name is in top_level.txt
    site = tmp_path / "python"
    dist_info(site, "typing-extensions", "4.0.0")
    dist_info(site, "AWS_Lambda.Powertools", "3.37.0", top_level="aws_lambda_powertools\n")
    # WHEN looked up with the requirement's spelling
    library = library_in(tmp_path, "aws-lambda-powertools")
    # THEN the version comes from the layer's METADATA
    assert (library.module, library.version) == ("aws_lambda_powertools", "3.37.0")


def test_without_top_level_the_import_name_is_derived_from_the_distribution(tmp_path: Path) -> None:
    # GIVEN a wheel without top_level.txt / WHEN looked up THEN dashes become underscores
    dist_info(tmp_path / "python", "My-Lib", "1.0")
    assert library_in(tmp_path, "My-Lib").module == "my_lib"


def test_a_layer_without_the_library_is_a_clear_error(tmp_path: Path) -> None:
    # GIVEN a layer holding only another distribution / WHEN looked up THEN the error names both and the setting
    dist_info(tmp_path / "python", "other", "1.0")
    with pytest.raises(LayerBuildError, match=r"does not contain mylib .*layer_requirements"):
        library_in(tmp_path, "mylib")


def test_the_distribution_is_the_first_requirement_or_the_projects_name(tmp_path: Path) -> None:
    # GIVEN requirements with extras and pins, and a layer project
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-lib"\n')
    # WHEN read THEN the first requirement's name or the project's [project] name is the library
    assert distribution_of(["aws-lambda-powertools[tracer]>=3; python_version>'3.8'", "boto3"]) == (
        "aws-lambda-powertools"
    )
    assert configured_distribution(FogbankConfig(root=tmp_path, layer_project=tmp_path)) == "my-lib"


def test_missing_or_bad_library_settings_name_the_setting(tmp_path: Path) -> None:
    # GIVEN no requirement, a bad one, and a project without a name
    (tmp_path / "pyproject.toml").write_text("[tool.x]\n")
    # WHEN read THEN each error names where to fix it
    with pytest.raises(ConfigError, match="layer_requirements is empty"):
        distribution_of([])
    with pytest.raises(ConfigError, match=r"layer_requirements\[0\] 'not a requirement!'"):
        distribution_of(["not a requirement!"])
    with pytest.raises(ConfigError, match="has no \\[project\\] name"):
        configured_distribution(FogbankConfig(root=tmp_path, layer_project=tmp_path))


def test_layer_names_use_only_lambdas_characters_and_fit_its_limit() -> None:
    # GIVEN distributions with dots and other characters / WHEN named THEN they become dashes
    assert layer_name("zope.interface", "3.12", "arm64") == "zope-interface-python312-arm64"
    assert layer_name(".odd..name.", "3.11", "x86_64") == "odd-name-python311-x86_64"
    assert len(layer_name("x" * 200, "3.11", "x86_64")) == 140
