"""What `fogbank layer publish` and `verify` did, per region and architecture: a JSON record and a table.

The record is machine-readable (for the docs build, for `verify` in a later job, for users who pin ARNs);
the Markdown table goes into the project's documentation as it is.

Example:
    >>> entry = LayerEntry(region="eu-west-1", architecture="arm64", layer_name="mylib-python311-arm64",
    ...                    status="published", arn="arn:aws:lambda:eu-west-1:123456789012:layer:mylib-python311-arm64:3")
    >>> record = LayerRecord(distribution="mylib", version="1.2.3", entries=[entry])
    >>> print(record.markdown().splitlines()[2])
    | eu-west-1 | arm64 | `arn:aws:lambda:eu-west-1:123456789012:layer:mylib-python311-arm64:3` |
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from fogbank.errors import ConfigError

__all__ = ["LayerEntry", "LayerRecord", "PublishStatus"]

PublishStatus = Literal["published", "unchanged", "failed"]


class LayerEntry(BaseModel):
    """One layer version in one region, for one architecture."""

    region: str
    architecture: str
    layer_name: str
    status: PublishStatus
    arn: str | None = None
    content_sha256: str | None = None
    public: bool = False
    reason: str | None = Field(default=None, description="why it failed, when it failed")


class LayerRecord(BaseModel):
    """Every published layer version of one release of one library."""

    distribution: str
    version: str
    entries: list[LayerEntry] = Field(default_factory=list)

    def merged_with(self, newer: LayerRecord) -> LayerRecord:
        """This record with `newer`'s entries replacing the same region and architecture."""
        keyed = {(entry.region, entry.architecture): entry for entry in self.entries}
        keyed.update({(entry.region, entry.architecture): entry for entry in newer.entries})
        return LayerRecord(
            distribution=newer.distribution, version=newer.version, entries=sorted(keyed.values(), key=_order)
        )

    def markdown(self) -> str:
        """A Markdown table of the working ARNs, by region and architecture."""
        lines = ["| Region | Architecture | Layer version ARN |", "|---|---|---|"]
        for entry in sorted(self.entries, key=_order):
            if entry.arn is not None and entry.status != "failed":
                lines.append(f"| {entry.region} | {entry.architecture} | `{entry.arn}` |")
        return "\n".join(lines) + "\n"

    @classmethod
    def read(cls, path: Path) -> LayerRecord | None:
        """The record at `path`, or None when there is none yet; a clear error when it is not a record."""
        if not path.is_file():
            return None
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as error:
            raise ConfigError(
                f"{path} is not a layer record written by `fogbank layer publish` ({error.error_count()} "
                "problems); move it away or pass another --record path"
            ) from None

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")


def _order(entry: LayerEntry) -> tuple[str, str]:
    return (entry.region, entry.architecture)
