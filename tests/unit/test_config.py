from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import load_config
from fogbank.errors import ConfigError


def test_config_reads_tool_fogbank_and_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # GIVEN a project with layer requirements and a custom cdk.out
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fogbank]\nlayer_requirements = ["six==1.17.0"]\ncdk_out = "build/cdk"\n', encoding="utf-8"
    )
    (tmp_path / "tests").mkdir()
    monkeypatch.delenv("FOGBANK_TARGET", raising=False)
    monkeypatch.delenv("FOGBANK_LAYER_REQUIREMENTS", raising=False)
    # WHEN loading from a subfolder
    config = load_config(tmp_path / "tests")
    # THEN the project root is found and paths are resolved against it
    assert config.root == tmp_path.resolve()
    assert config.layer_requirements == ("six==1.17.0",)
    assert config.cdk_out == tmp_path.resolve() / "build" / "cdk"
    assert config.target == "local"
    # AND FOGBANK_TARGET overrides the target
    monkeypatch.setenv("FOGBANK_TARGET", "aws")
    assert load_config(tmp_path).target == "aws"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('layer_requirements = "six"', "layer_requirements must be a list of pip requirement strings"),
        (
            'layer_requirements = ["six"]\nlayer_project = "."',
            "set either layer_requirements or layer_project",
        ),
        ('layer_project = "nowhere"', "is not a Python project"),
        ('target = "gcp"', "target 'gcp' is unknown; choose one of local, aws"),
        ("layer = 1", "unknown key(s) in [tool.fogbank]: layer"),
    ],
)
def test_bad_config_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, message: str
):
    # GIVEN a project with a bad [tool.fogbank] table
    monkeypatch.delenv("FOGBANK_TARGET", raising=False)
    (tmp_path / "pyproject.toml").write_text(f"[tool.fogbank]\n{table}\n", encoding="utf-8")
    # WHEN loading it / THEN the error says what is wrong
    with pytest.raises(ConfigError, match=None) as caught:
        load_config(tmp_path)
    assert message in str(caught.value)
