"""API Gateway path templates: variables, greedy `{proxy+}`, percent-decoding, and which template wins."""

from __future__ import annotations

import pytest

from fogbank.cloud.frontdoors.doors.paths import match_template, specificity


@pytest.mark.parametrize(
    ("template", "path", "params"),
    [
        ("/", "/", {}),
        ("/items", "/items/", {}),
        ("/items/{id}", "/items/a%20b", {"id": "a b"}),
        ("/items/{id}/parts/{part}", "/items/7/parts/x", {"id": "7", "part": "x"}),
        ("/files/{key+}", "/files/a/b%2Fc.txt", {"key": "a/b/c.txt"}),
        ("/{proxy+}", "/any/thing", {"proxy": "any/thing"}),
        ("/files/{key+}", "/files", None),
        ("/items/{id}", "/items", None),
        ("/items/{id}", "/items/7/extra", None),
        ("/items", "/other", None),
    ],
)
def test_a_path_fits_a_template_with_its_parameters(
    template: str, path: str, params: dict[str, str] | None
) -> None:
    # WHEN a request path is matched THEN the parameters are decoded; a greedy variable needs at least a segment
    assert match_template(template, path) == params


def test_literal_segments_win_over_variables_and_greedy_comes_last() -> None:
    # GIVEN templates that all fit /items/new
    templates = ["/{proxy+}", "/items/{id}", "/items/new", "/items/{id+}"]
    fitting = [t for t in templates if match_template(t, "/items/new") is not None]
    # WHEN sorted by specificity THEN the literal route is tried first, then the variable, greedy ones last
    assert sorted(fitting, key=specificity) == ["/items/new", "/items/{id}", "/items/{id+}", "/{proxy+}"]
