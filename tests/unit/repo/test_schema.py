"""The published JSON Schema of the repo config."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from fogbank.repo.config import RepoConfig
from fogbank.repo.schema import config_schema, render_schema

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "repo-config.schema.json"


def test_the_default_config_is_valid_against_its_schema_and_a_typo_is_not() -> None:
    # GIVEN the schema and the default config as JSON
    schema = config_schema()
    defaults = RepoConfig().model_dump(mode="json")
    # WHEN validated
    jsonschema.validate(defaults, schema)
    # THEN a misspelled key is refused (editors show it), as the config itself refuses it
    with pytest.raises(jsonschema.ValidationError, match="sise"):
        jsonschema.validate({**defaults, "sise": {}}, schema)
    assert schema["$schema"].endswith("2020-12/schema") and "fogbank repo config" in schema["title"]


def test_published_schema_is_current():
    # GIVEN the schema in docs/ / WHEN compared with the model's / THEN they are identical
    # (regenerate with: fogbank repo schema > docs/repo-config.schema.json)
    assert PUBLISHED.read_text() == render_schema()
