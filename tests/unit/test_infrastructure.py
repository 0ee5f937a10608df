from __future__ import annotations

from fogbank.infrastructure import pascal_case


def test_output_names_are_the_seeds_title_case() -> None:
    # GIVEN handler stems WHEN turned into output names THEN they match the seed's stem.title().replace("_", "")
    for stem in ("basic_handler", "handlerWithCaps", "v2_handler", "parallel_execution_handler"):
        assert pascal_case(stem) == stem.title().replace("_", "")
    assert pascal_case("kebab-case-handler") == "KebabCaseHandler"
