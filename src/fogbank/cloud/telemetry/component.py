"""TelemetryComponent: Logs writing + FilterLogEvents, EMF -> metrics, X-Ray daemon + queries.

See docs/architecture.md (Components) and docs/telemetry.md.

Example (in-process: the router is not served, the state is moto's):
    >>> from pathlib import Path
    >>> from fogbank.cloud.aws_state import cloudwatch, logs
    >>> from fogbank.cloud.router import AwsRouter
    >>> site = CloudSite("http://127.0.0.1:4566", Path("/tmp/unused"), region="ap-south-2")
    >>> telemetry = TelemetryComponent(site, AwsRouter(lambda environ, start_response: []))
    >>> telemetry.start()
    >>> emf = ('{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "App", '
    ...        '"Dimensions": [[]], "Metrics": [{"Name": "Hits"}]}]}, "Hits": 1}')
    >>> lines = [LogLine(1700000000000, "hi"), LogLine(1700000000001, emf)]
    >>> telemetry.put_log_lines("/aws/lambda/f", "2024/01/01/[$LATEST]ab", lines)
    >>> [e.message for e in logs.stored_events("ap-south-2", "/aws/lambda/f")][0]
    'hi'
    >>> [(d.namespace, d.name, d.values) for d in cloudwatch.stored_datums("ap-south-2")]  # from the EMF line
    [('App', 'Hits', (1.0,))]
    >>> telemetry.xray_daemon_address.startswith("127.0.0.1:")
    True
    >>> telemetry.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fogbank.cloud.aws_state import logs as logs_state
from fogbank.cloud.aws_state import xray as xray_state
from fogbank.cloud.contracts import Routes
from fogbank.cloud.site import CloudSite
from fogbank.cloud.telemetry.lambda_segments import lambda_segment_documents
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine
from fogbank.cloud.telemetry.xray_daemon import XRayDaemon
from fogbank.errors import CloudError

__all__ = ["TelemetryComponent"]

_log = logging.getLogger(__name__)


class TelemetryComponent:
    """Owns what functions leave behind: their log lines, metrics and traces (a `TelemetrySink`)."""

    def __init__(self, site: CloudSite, routes: Routes) -> None:
        self._region = site.region
        self._routes = routes
        self._daemon: XRayDaemon | None = None

    def start(self) -> None:
        """Register the Logs / CloudWatch / X-Ray handlers and start the X-Ray daemon listener."""
        from fogbank.cloud.telemetry import api

        api.register(self._routes)
        self._daemon = XRayDaemon(on_documents=self.put_segment_documents).start()

    def stop(self) -> None:
        """Stop the X-Ray daemon listener. Idempotent, never raises."""
        daemon, self._daemon = self._daemon, None
        if daemon is not None:
            try:
                daemon.stop()
            except Exception:
                _log.exception("stopping the X-Ray daemon failed")

    # -- contracts used by the Lambda component ---------------------------------------------------------
    def put_log_lines(
        self, log_group: str, log_stream: str, lines: Sequence[LogLine], *, region: str | None = None
    ) -> None:
        """Store `lines` in CloudWatch Logs of `region` (default: the cloud's) and turn EMF lines into that
        region's metrics; queryable on return."""
        from fogbank.cloud.telemetry.emf import metric_data_from_lines

        where = region or self._region
        logs_state.put_events(
            where, log_group, log_stream, [(line.timestamp_ms, line.message) for line in lines]
        )
        for namespace, data in metric_data_from_lines(lines, log_group=log_group):
            self.put_metric_data(namespace, data, region=where)

    def put_metric_data(
        self, namespace: str, data: Sequence[dict[str, object]], *, region: str | None = None
    ) -> None:
        """Store PutMetricData-shaped datums (timestamps as naive UTC datetimes) in `region`."""
        from fogbank.cloud.aws_state import cloudwatch as cloudwatch_state

        cloudwatch_state.put_metric_data(region or self._region, namespace, data)

    @property
    def xray_daemon_address(self) -> str:
        """`127.0.0.1:<udp port>` of the X-Ray daemon listener, for AWS_XRAY_DAEMON_ADDRESS."""
        if self._daemon is None:
            raise CloudError(
                "the telemetry component is not started, so there is no X-Ray daemon address yet"
            )
        return self._daemon.address

    def record_invocation(self, record: InvocationRecord) -> None:
        """Emit Lambda's own segments for one invocation (nothing unless tracing is Active)."""
        documents = lambda_segment_documents(record)
        if documents:
            self.put_segment_documents(documents, region=record.region)

    def put_segment_documents(self, documents: list[str], region: str | None = None) -> None:
        """Store raw segment documents (from the daemon, Lambda, or PutTraceSegments)."""
        rejected = xray_state.put_segment_documents(region or self._region, documents)
        for bad in rejected:
            _log.warning("X-Ray: rejected a segment document: %s", bad)
