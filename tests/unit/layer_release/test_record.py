"""The record of published layer versions: merged per region and architecture, a Markdown table, JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.errors import ConfigError
from fogbank.layer_release.record import LayerEntry, LayerRecord


def entry(region: str, arch: str, status: str = "published", version: int = 1) -> LayerEntry:
    arn = f"arn:aws:lambda:{region}:123456789012:layer:lib-python311-{arch}:{version}"
    return LayerEntry(
        region=region, architecture=arch, layer_name=f"lib-python311-{arch}", status=status, arn=arn
    )


def test_a_newer_record_replaces_the_same_region_and_architecture_only() -> None:
    # GIVEN an older record for two regions and a newer one for one of them
    older = LayerRecord(
        distribution="lib",
        version="1.0",
        entries=[entry("us-east-1", "x86_64"), entry("eu-west-1", "x86_64")],
    )
    newer = LayerRecord(distribution="lib", version="1.1", entries=[entry("eu-west-1", "x86_64", version=2)])
    # WHEN merged
    merged = older.merged_with(newer)
    # THEN the newer entry wins, the other is kept, sorted by region, under the newer version
    assert merged.version == "1.1"
    assert [(e.region, e.arn.rsplit(":", 1)[1] if e.arn else None) for e in merged.entries] == [
        ("eu-west-1", "2"),
        ("us-east-1", "1"),
    ]


def test_the_table_lists_working_arns_only_sorted() -> None:
    # GIVEN a published, an unchanged and a failed entry
    record = LayerRecord(
        distribution="lib",
        version="1.0",
        entries=[
            entry("us-east-1", "x86_64"),
            entry("eu-west-1", "arm64", "unchanged"),
            entry("ap-south-1", "x86_64", "failed"),
        ],
    )
    # WHEN rendered THEN the failed one is left out
    assert record.markdown().splitlines()[2:] == [
        "| eu-west-1 | arm64 | `arn:aws:lambda:eu-west-1:123456789012:layer:lib-python311-arm64:1` |",
        "| us-east-1 | x86_64 | `arn:aws:lambda:us-east-1:123456789012:layer:lib-python311-x86_64:1` |",
    ]


def test_a_record_round_trips_through_its_file_and_a_missing_file_is_none(tmp_path: Path) -> None:
    # GIVEN a record / WHEN written into a new folder and read back THEN it is equal
    path = tmp_path / "docs" / "layers.json"
    record = LayerRecord(distribution="lib", version="1.0", entries=[entry("us-east-1", "x86_64")])
    assert LayerRecord.read(path) is None
    record.write(path)
    assert LayerRecord.read(path) == record


def test_a_file_that_is_not_a_record_is_a_clear_error(tmp_path: Path) -> None:
    # GIVEN some other JSON at the record's path / WHEN read THEN the error names it and the way out
    path = tmp_path / "layers.json"
    path.write_text('{"name": "something else"}')
    with pytest.raises(ConfigError, match=f"{path} is not a layer record .*pass another --record path"):
        LayerRecord.read(path)
