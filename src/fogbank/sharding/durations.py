"""The durations file: each feature's recorded deploy, tests and teardown time, committed with the project.

`fogbank e2e` updates it after every run (default `<project root>/.fogbank/durations.json` for the local
target, `.fogbank/durations-aws.json` for aws: deploys take seconds on one and minutes on the other), and the
shard planner reads the file of the target it plans for. An entry changes only when the feature's time moved by more than 10 % (and 2 s), or its
number of tests changed, so that committing the file after every run does not churn.

Example:
    >>> durations = Durations({"logger": FeatureDuration(deploy=9.0, tests=3.5, teardown=2.0, test_count=2)})
    >>> durations["logger"].total
    14.5
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fogbank.config import find_project_root
from fogbank.errors import ConfigError

__all__ = ["DURATIONS_FILE", "Durations", "FeatureDuration", "default_durations_path"]

DURATIONS_FILE = Path(".fogbank") / "durations.json"
DURATIONS_VARIABLE = "FOGBANK_DURATIONS"
FORMAT_VERSION = 1
RELATIVE_CHANGE = 0.10
ABSOLUTE_CHANGE_SECONDS = 2.0


def default_durations_path(start: Path | None = None, target: str = "local") -> Path:
    """FOGBANK_DURATIONS if set, else the target's file in `.fogbank/` of the project root (nearest
    pyproject.toml): `durations.json` for local, `durations-<target>.json` for another target.
    """
    configured = os.environ.get(DURATIONS_VARIABLE)
    if configured and configured != "none":
        return Path(configured)
    name = DURATIONS_FILE if target == "local" else DURATIONS_FILE.with_name(f"durations-{target}.json")
    return find_project_root(start) / name


@dataclass(frozen=True)
class FeatureDuration:
    """One feature's recorded seconds: deploy (synth, assets, stack), tests, teardown (stack delete)."""

    deploy: float
    tests: float
    teardown: float
    test_count: int

    @property
    def total(self) -> float:
        return round(self.deploy + self.tests + self.teardown, 1)

    def rounded(self) -> FeatureDuration:
        return FeatureDuration(
            deploy=round(self.deploy, 1),
            tests=round(self.tests, 1),
            teardown=round(self.teardown, 1),
            test_count=self.test_count,
        )

    def differs_from(self, other: FeatureDuration) -> bool:
        """True when `self` is a new measurement worth recording over `other`."""
        change = abs(self.total - other.total)
        return self.test_count != other.test_count or (
            change > ABSOLUTE_CHANGE_SECONDS and change > RELATIVE_CHANGE * other.total
        )


class Durations(Mapping[str, FeatureDuration]):
    """Feature name -> FeatureDuration, read from and written to the durations file."""

    def __init__(self, features: Mapping[str, FeatureDuration] | None = None) -> None:
        self._features = dict(features or {})

    def __getitem__(self, name: str) -> FeatureDuration:
        return self._features[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._features)

    def __len__(self) -> int:
        return len(self._features)

    @classmethod
    def load(cls, path: Path) -> Durations:
        """The file's durations; an absent file is an empty record."""
        if not path.is_file():
            return cls()
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            entries: dict[str, Any] = document["features"]
            return cls(
                {
                    name: FeatureDuration(
                        deploy=float(entry["deploy"]),
                        tests=float(entry["tests"]),
                        teardown=float(entry["teardown"]),
                        test_count=int(entry["test_count"]),
                    )
                    for name, entry in entries.items()
                }
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{path} is not a fogbank durations file ({type(exc).__name__}: {exc}); delete it (the next "
                "`fogbank e2e` run writes a new one) or restore it from git"
            ) from exc

    def updated(self, measured: Mapping[str, FeatureDuration]) -> Durations:
        """These durations with `measured` recorded where they differ enough (see the module docstring)."""
        features = dict(self._features)
        for name, duration in measured.items():
            previous = features.get(name)
            if previous is None or duration.differs_from(previous):
                features[name] = duration.rounded()
        return Durations(features)

    def merged(self, other: Durations) -> Durations:
        """Both records; where both have a feature, `other`'s entry wins (used to merge shards' files)."""
        return Durations({**self._features, **other._features})

    def to_json(self) -> str:
        features = {name: asdict(self._features[name].rounded()) for name in sorted(self._features)}
        return json.dumps({"version": FORMAT_VERSION, "features": features}, indent=2) + "\n"

    def save(self, path: Path) -> bool:
        """Write the file when its content changes; returns whether it was written."""
        text = self.to_json()
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return True
