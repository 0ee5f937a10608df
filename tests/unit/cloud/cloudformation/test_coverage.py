"""The coverage table in docs/cloudformation.md is generated from the schemas and the providers."""

from __future__ import annotations

from pathlib import Path

from fogbank.cloud.cloudformation.coverage import (
    BEGIN_MARKER,
    END_MARKER,
    CoverageRow,
    coverage_rows,
    main,
    render_table,
    replace_table,
)
from fogbank.cloud.cloudformation.providers import registry

DOC = Path(__file__).resolve().parents[4] / "docs" / "cloudformation.md"


def test_docs_table_is_current() -> None:
    # GIVEN the doc as committed WHEN the table is regenerated THEN nothing changes
    assert main(["--check", str(DOC)]) == 0, (
        "docs/cloudformation.md is stale: python -m fogbank.cloud.cloudformation.coverage "
        "--write docs/cloudformation.md"
    )


def test_every_supported_type_has_a_row_and_implements_only_documented_properties() -> None:
    # GIVEN the rows WHEN compared with the providers
    rows = {row.resource_type: row for row in coverage_rows()}

    # THEN every provider has a row, and no provider declares a property its schema does not document
    assert set(rows) == set(registry())
    for resource_type, provider in registry().items():
        row = rows[resource_type]
        if row.documented and not row.free_form:
            assert set(provider.properties) <= set(row.documented), resource_type


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    # GIVEN a doc whose table lacks a row
    doc = tmp_path / "cfn.md"
    doc.write_text("# CloudFormation\n\n" + render_table(coverage_rows()[1:]) + "\n\nafter\n")

    # WHEN checked THEN it is stale; after --write it is current and the text around it is kept
    assert main(["--check", str(doc)]) == 1
    assert main(["--write", str(doc)]) == 0
    assert main(["--check", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith("# CloudFormation\n\n" + BEGIN_MARKER) and text.endswith(
        END_MARKER + "\n\nafter\n"
    )


def test_row_rendering_counts_implemented_of_documented() -> None:
    # GIVEN one row WHEN rendered THEN the line counts and lists both sides
    row = CoverageRow("AWS::X::Y", ("A", "B", "C"), ("A",), free_form=False)
    assert "| `AWS::X::Y` | 1/3: A | B, C |" in render_table([row])
    assert replace_table("no markers", "T") == "no markers\n\nT\n"
