"""Config loading: YAML and pyproject.toml, errors naming file, key and line."""

from __future__ import annotations

import pytest

from fogbank.errors import ConfigError
from fogbank.repo.config_loader import load_config


def test_yaml_config_is_loaded_and_overrides_defaults(tmp_path):
    # GIVEN a .github/fogbank.yml with scopes and an extra label
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/fogbank.yml").write_text(
        "scopes:\n  allowed: [logger]\n  aliases: {logging: logger}\n"
        "extra_labels:\n  - {name: logger, color: 'AABBCC', description: Logger utility}\n"
    )

    # WHEN it is loaded
    loaded = load_config(tmp_path)

    # THEN the values are there and the catalog keeps the seed's labels first
    assert loaded.source.endswith(".github/fogbank.yml")
    assert loaded.config.scopes.aliases == {"logging": "logger"}
    assert loaded.config.catalog()[0].name == "triage"
    assert loaded.config.catalog()[-1].name == "logger"


def test_yaml_errors_name_file_key_and_line(tmp_path):
    # GIVEN a YAML config with a bad colour on line 4 and an unknown key on line 5
    path = tmp_path / "fogbank.yml"
    path.write_text("labels:\n  - name: bug\n    description: x\n    color: red\nsizes: {}\n")

    # WHEN it is loaded
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, path)

    # THEN each problem names file:line and the key
    message = str(caught.value)
    assert f"{path}:4: key 'labels.0.color': String should match pattern" in message
    assert f"{path}:5: key 'sizes': Extra inputs are not permitted" in message


def test_pyproject_table_is_used_and_errors_name_the_key(tmp_path):
    # GIVEN [tool.fogbank.repo] with a bad regex
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.fogbank.repo.need_issue]\nbody_pattern = "(unclosed"\n')

    # WHEN it is loaded
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)

    # THEN the error names pyproject.toml, the line and the key
    assert f"{path}:5: key 'need_issue.body_pattern': Value error, not a valid regular expression" in str(
        caught.value
    )


def test_no_config_means_the_seed_defaults(tmp_path):
    # GIVEN an empty checkout / WHEN loaded / THEN the defaults apply
    loaded = load_config(tmp_path)
    assert loaded.source == "built-in defaults"
    assert len(loaded.config.catalog()) == 33
