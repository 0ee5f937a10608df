"""IAM modes, and what the local cloud noticed: requests denied (or that AWS would deny) and not checked.

Modes: `enforce` (the default on the local target) answers AccessDenied as AWS would; `warn` lets the
request through and records it; `off` evaluates nothing. The mode comes from the pytest option
`--fogbank-iam`, the environment variable `FOGBANK_IAM_MODE`, or `fogbank cloud start --iam`.

Example:
    >>> resolve_mode("warn")
    'warn'
    >>> Finding("would_deny", "arn:aws:sts::1:assumed-role/R/f", "s3:GetObject", "arn:aws:s3:::b/k").line()
    'would be denied on AWS: arn:aws:sts::1:assumed-role/R/f s3:GetObject arn:aws:s3:::b/k'
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from typing import Any, Literal

from fogbank.errors import ConfigError

__all__ = ["MODES", "MODE_ENV", "Finding", "FindingKind", "FindingLog", "Mode", "resolve_mode"]

Mode = Literal["enforce", "warn", "off"]
MODES: tuple[Mode, ...] = ("enforce", "warn", "off")
MODE_ENV = "FOGBANK_IAM_MODE"
FindingKind = Literal["denied", "would_deny", "not_checked"]


def resolve_mode(value: str | None = None) -> Mode:
    """`value`, else $FOGBANK_IAM_MODE, else "enforce"; a ConfigError names the bad value."""
    chosen = value if value is not None else os.environ.get(MODE_ENV) or "enforce"
    for mode in MODES:
        if chosen == mode:
            return mode
    raise ConfigError(
        f"IAM mode {chosen!r} is not one of {', '.join(MODES)}; set --fogbank-iam / {MODE_ENV} / "
        "`fogbank cloud start --iam` to one of them"
    )
    return chosen


@dataclass(frozen=True)
class Finding:
    """One thing to report: a (would-be) denial of `principal` doing `action` on `resource`, or an
    operation that could not be checked (`action` is then the operation and `resource` the reason)."""

    kind: FindingKind
    principal: str
    action: str
    resource: str

    def line(self) -> str:
        if self.kind == "not_checked":
            return f"not checked: {self.action} ({self.resource})"
        verb = "denied" if self.kind == "denied" else "would be denied on AWS"
        return f"{verb}: {self.principal} {self.action} {self.resource}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(data["kind"], data["principal"], data["action"], data["resource"])


class FindingLog:
    """Findings of one cloud, each kept once with how often it happened (thread-safe)."""

    def __init__(self) -> None:
        self._counts: dict[Finding, int] = {}
        self._lock = threading.Lock()

    def add(self, finding: Finding) -> bool:
        """Record `finding`; True the first time it is seen."""
        with self._lock:
            count = self._counts.get(finding, 0)
            self._counts[finding] = count + 1
            return count == 0

    def findings(self) -> list[tuple[Finding, int]]:
        with self._lock:
            return sorted(self._counts.items(), key=lambda item: (item[0].kind, item[0].line()))
