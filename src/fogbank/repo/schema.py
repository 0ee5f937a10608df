"""The JSON Schema of the config, as published in docs/repo-config.schema.json.

Example:
    >>> render_schema().startswith("{")
    True
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.repo.config import RepoConfig

__all__ = ["config_schema", "render_schema"]


def config_schema() -> dict[str, Any]:
    """The schema as a dict."""
    schema = RepoConfig.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fogbank repo config (.github/fogbank.yml or [tool.fogbank.repo])",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def render_schema() -> str:
    """The schema as stable, indented JSON text ending in a newline."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
