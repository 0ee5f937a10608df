"""The data model of one e2e run's report: what `fogbank e2e` collected, as typed pydantic models.

The pytest plugin fills a `RunReport` (each xdist worker its own features; the controller joins them) and
writes it twice, side by side: `fogbank-report.html` (for people) and `fogbank-report.json`
(`RunReport.model_dump_json()`, for programs). Both hold the same data.

**For tools that read or merge reports (e.g. `fogbank report merge` of CI shards):**

- Load with `RunReport.load(path)` (or `RunReport.model_validate_json(text)`), render with
  `fogbank.report.render_html(report)`. Check `schema_version` (== `SCHEMA_VERSION`) before merging.
- A report is a list of `features`; a feature (one folder under tests/e2e) normally runs on one worker of
  one shard. If its tests were spread over several workers, each of them deployed it and it appears once per
  worker (same `name`, different `worker`, each with its own deploy and its share of the tests). So merging
  shards is concatenating `features` (sorted by name, then worker) and combining the run-level fields:
  `started_at` = earliest, `finished_at` = latest, `wall_seconds` = finished_at - started_at (or the max of
  the shards' when they ran in parallel), `shards` = union, `notes` = concatenation. Everything else (counts,
  `failed_tests`, `outcome`) is derived by properties, never stored twice.
- Every time is an aware UTC `datetime`; every duration is in seconds (`*_seconds`) except Lambda's own
  figures, which keep Lambda's milliseconds (`*_ms`).
- Payloads, responses and log lines are already trimmed (see `TRIM_CHARACTERS`); `*_truncated` says so.

Example:
    >>> report = RunReport(run_id="1a2b", target="local", started_at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> report.features.append(FeatureReport(name="logger"))
    >>> RunReport.model_validate_json(report.model_dump_json()).features[0].name
    'logger'
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "TRIM_CHARACTERS",
    "DeployReport",
    "EmfMetric",
    "FeatureReport",
    "FrontDoorRequest",
    "Invocation",
    "LogLine",
    "Outcome",
    "Phase",
    "RunReport",
    "StackEvent",
    "TeardownReport",
    "TestReport",
    "TraceSegment",
    "TraceWaterfall",
    "trim",
]

SCHEMA_VERSION = 1
TRIM_CHARACTERS = 4096

Outcome = Literal["passed", "failed", "error", "skipped"]


def trim(text: str | None, limit: int = TRIM_CHARACTERS) -> tuple[str | None, bool]:
    """`text` cut to `limit` characters, and whether it was cut.

    >>> trim("abcdef", limit=3)
    ('abc', True)
    """
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StackEvent(_Model):
    """One CloudFormation stack event (DescribeStackEvents), with how long its resource took."""

    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None
    physical_id: str | None = None
    # from this resource's previous *_IN_PROGRESS event to this one (None on IN_PROGRESS events)
    duration_seconds: float | None = None

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


class Phase(_Model):
    """One step of a deploy: "synth", "assets" or "stack"."""

    name: str
    started_at: datetime
    duration_seconds: float


class DeployReport(_Model):
    """A feature's deploy: its phases, the stack's events, its outputs, and the error if it failed."""

    stack_name: str
    stack_id: str | None = None
    started_at: datetime
    duration_seconds: float
    phases: list[Phase] = Field(default_factory=list)
    events: list[StackEvent] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    error: str | None = None


class TeardownReport(_Model):
    """A feature's stack deletion (or that it was kept with --fogbank-keep-stacks)."""

    started_at: datetime
    duration_seconds: float
    kept: bool = False
    events: list[StackEvent] = Field(default_factory=list)
    error: str | None = None


class LogLine(_Model):
    """One CloudWatch Logs event of an invocation."""

    timestamp: datetime
    message: str
    truncated: bool = False


class EmfMetric(_Model):
    """One metric an invocation emitted in CloudWatch Embedded Metric Format."""

    namespace: str
    name: str
    values: list[float]
    unit: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)


class TraceSegment(_Model):
    """One segment or subsegment of a trace; `depth` 0 is a segment, deeper ones are nested subsegments."""

    id: str
    parent_id: str | None = None
    name: str
    origin: str | None = None
    depth: int = 0
    start_time: float  # epoch seconds, as X-Ray stores them
    end_time: float | None = None
    error: bool = False
    fault: bool = False
    throttle: bool = False
    annotations: dict[str, Any] = Field(default_factory=dict)
    cause: str | None = None  # the first exception's type and message, when there was one

    @property
    def duration_seconds(self) -> float | None:
        return None if self.end_time is None else max(0.0, self.end_time - self.start_time)


class TraceWaterfall(_Model):
    """One X-Ray trace, its segments and subsegments flattened in waterfall order (parents before children)."""

    trace_id: str
    start_time: float
    end_time: float
    segments: list[TraceSegment] = Field(default_factory=list)

    @property
    def duration_seconds(self) -> float:
        return max(0.0, self.end_time - self.start_time)


class FrontDoorRequest(_Model):
    """An HTTP request the test sent to a front door (API Gateway, ALB, Function URL)."""

    method: str
    url: str
    status: int | None = None
    started_at: datetime
    duration_seconds: float
    error: str | None = None


class Invocation(_Model):
    """One Lambda invocation made while a test ran.

    `payload`/`response` are known when the test invoked through boto3 (Invoke); for invocations reached
    through a front door or an event source they are None. `cold_start` comes from the REPORT line (Init
    Duration); `trace` from X-Ray (functions with active tracing).
    """

    function_name: str
    request_id: str
    started_at: datetime
    cold_start: bool | None = None
    duration_ms: float | None = None
    init_duration_ms: float | None = None
    max_memory_used_mb: int | None = None
    status: str | None = (
        None  # "success", "error", "timeout" (REPORT / platform.report), or Invoke's FunctionError
    )
    payload: str | None = None
    payload_truncated: bool = False
    response: str | None = None
    response_truncated: bool = False
    function_error: str | None = None
    trace_id: str | None = None
    logs: list[LogLine] = Field(default_factory=list)
    trace: TraceWaterfall | None = None
    metrics: list[EmfMetric] = Field(default_factory=list)
    front_door_requests: list[FrontDoorRequest] = Field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.function_error is not None or (self.status not in (None, "success"))


class TestReport(_Model):
    """One test: outcome, duration, what failed, and the invocations made while it ran."""

    __test__ = False  # not a pytest test class

    nodeid: str
    outcome: Outcome
    started_at: datetime
    duration_seconds: float
    longrepr: str | None = None  # the assertion / traceback, as pytest prints it
    worker: str | None = None
    invocations: list[Invocation] = Field(default_factory=list)
    front_door_requests: list[FrontDoorRequest] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.nodeid.split("::", 1)[-1]

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "error")


class FeatureReport(_Model):
    """One feature folder: its deploy, its tests, its teardown."""

    name: str
    worker: str | None = None
    deploy: DeployReport | None = None
    tests: list[TestReport] = Field(default_factory=list)
    teardown: TeardownReport | None = None
    notes: list[str] = Field(default_factory=list)  # data that could not be collected, and why

    @property
    def failed(self) -> bool:
        return (
            any(test.failed for test in self.tests)
            or (self.deploy is not None and self.deploy.error is not None)
            or (self.teardown is not None and self.teardown.error is not None)
        )


class RunReport(_Model):
    """One `fogbank e2e` run (or several CI shards merged)."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    target: str
    endpoint: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    wall_seconds: float | None = None
    shards: list[str] = Field(default_factory=list)
    features: list[FeatureReport] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def tests(self) -> list[TestReport]:
        return [test for feature in self.features for test in feature.tests]

    @property
    def failed_tests(self) -> list[TestReport]:
        return [test for test in self.tests if test.failed]

    def counts(self) -> dict[str, int]:
        """Tests by outcome, e.g. {"passed": 3, "failed": 1, "error": 0, "skipped": 0}."""
        counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for test in self.tests:
            counts[test.outcome] += 1
        return counts

    @property
    def outcome(self) -> Literal["passed", "failed"]:
        return "failed" if any(feature.failed for feature in self.features) else "passed"

    @classmethod
    def load(cls, path: Path) -> RunReport:
        """Read a report written as JSON (`fogbank-report.json`)."""
        return cls.model_validate_json(path.read_text(encoding="utf-8"))

    def save_json(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return path


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
