"""CloudWatch metric datums in moto (pinned 5.2.5): store them, read them back for statistics.

moto compares timestamps with naive UTC datetimes; an aware datetime breaks every later query, so every
timestamp is normalised here.

Example:
    >>> put_metric_data("eu-north-1", "App", [{"MetricName": "Hits", "Value": 1.0}])
    >>> [(d.namespace, d.name, d.values) for d in stored_datums("eu-north-1")]
    [('App', 'Hits', (1.0,))]
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.cloud.router import ACCOUNT_ID

__all__ = ["MetricDataRejected", "StoredDatum", "naive_utc", "put_metric_data", "stored_datums"]

_lock = threading.Lock()


class MetricDataRejected(Exception):
    """moto's validation refused PutMetricData input (NaN, Values and Counts of different sizes, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StoredDatum:
    """One stored datum: a single value, or a statistic set (`values` empty, `statistics` filled)."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    timestamp: datetime  # naive UTC
    unit: str | None
    values: tuple[float, ...]
    statistics: tuple[float, float, float, float] | None = None  # (sample_count, sum, minimum, maximum)


def naive_utc(moment: datetime) -> datetime:
    """`moment` as a naive UTC datetime (naive input is taken as UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _backend(region: str, account_id: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account_id][region]


def put_metric_data(
    region: str, namespace: str, data: Sequence[dict[str, Any]], account_id: str = ACCOUNT_ID
) -> None:
    """Store PutMetricData `MetricData` entries (Value, Values/Counts or StatisticValues).

    A Timestamp is a datetime (CBOR, query) or epoch seconds (awsJson 1.0); moto keeps it as naive UTC.

    Raises MetricDataRejected (AWS's code and message) when moto's validation refuses them.
    """
    from moto.cloudwatch.exceptions import CloudWatchException

    prepared = []
    for datum in data:
        item = dict(datum)
        stamp = item.get("Timestamp")
        if isinstance(stamp, datetime):
            item["Timestamp"] = naive_utc(stamp)
        elif isinstance(stamp, (int, float)) and not isinstance(stamp, bool):  # awsJson: epoch seconds
            item["Timestamp"] = datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None)
        prepared.append(item)
    with _lock:
        try:
            _backend(region, account_id).put_metric_data(namespace, prepared)
        except CloudWatchException as exc:
            raise MetricDataRejected(str(exc.code), str(exc.message)) from exc


def stored_datums(region: str, account_id: str = ACCOUNT_ID) -> list[StoredDatum]:
    """Every stored datum (PutMetricData and EMF alike)."""
    from moto.cloudwatch.models import MetricAggregatedDatum, MetricDatum

    with _lock:
        raw = list(_backend(region, account_id).metric_data)
    result: list[StoredDatum] = []
    for md in raw:
        dims = tuple((str(d.name), str(d.value)) for d in md.dimensions)
        timestamp = naive_utc(md.timestamp)
        if isinstance(md, MetricDatum):
            result.append(StoredDatum(md.namespace, md.name, dims, timestamp, md.unit, (float(md.value),)))
        elif isinstance(md, MetricAggregatedDatum):
            stats = (float(md.sample_count), float(md.sum), float(md.min), float(md.max))
            result.append(StoredDatum(md.namespace, md.name, dims, timestamp, md.unit, (), stats))
    return result


_app_lock = threading.Lock()
_app: Any = None


def query_call(region: str, form: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """Call moto's CloudWatch in the query protocol in-process: (status, headers, XML body)."""
    global _app
    from werkzeug.test import Client

    from fogbank.cloud.aws_state import server_app

    with _app_lock:
        if _app is None:
            _app = server_app.create()
        app = _app
    authorization = (
        f"AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    response = Client(app).post(
        "/",
        data={k: str(v) for k, v in form.items()},
        headers={"Authorization": authorization, "Host": f"monitoring.{region}.amazonaws.com"},
    )
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()
