"""CloudWatch metric operations: PutMetricData, GetMetricData, GetMetricStatistics and ListMetrics.

fogbank answers these (in CBOR or JSON) from the datums stored in moto; every other CBOR/JSON operation is
bridged to moto's query-protocol implementation. Query-protocol requests go to moto unchanged.

Example (skipped as a doctest: it needs a running local cloud):
    >>> cw = boto3.client("cloudwatch")  # doctest: +SKIP
    >>> cw.get_metric_data(MetricDataQueries=[...], StartTime=start, EndTime=end)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fogbank.cloud.aws_errors import AwsError
from fogbank.cloud.aws_state import cloudwatch as cloudwatch_state
from fogbank.cloud.router import AwsRequest, AwsResponse
from fogbank.cloud.telemetry import cloudwatch_protocol as protocol
from fogbank.cloud.telemetry.metric_stats import (
    BASIC_STATISTICS,
    StatisticError,
    matching,
    period_start,
    periods,
    validate_statistic,
)

__all__ = ["CloudWatchApi"]

_log = logging.getLogger(__name__)

_LIST_PAGE = 500


class InvalidParameter(AwsError):
    """A request CloudWatch refuses. Rendered by `cloudwatch_protocol.encode_error` in the call's own protocol
    (awsJson 1.0 or rpc-v2-cbor, with the query-compatible code header), not by `AwsError.render`."""

    def __init__(self, message: str, code: str = "InvalidParameterValue") -> None:
        super().__init__(message, code=code)


def _dimension_pairs(dimensions: Any) -> list[tuple[str, str]]:
    return [(str(d["Name"]), str(d["Value"])) for d in dimensions or []]


def _time(params: dict[str, Any], key: str) -> datetime:
    value = params.get(key)
    if isinstance(value, datetime):
        return cloudwatch_state.naive_utc(value)
    if isinstance(value, (int, float)):
        return datetime.utcfromtimestamp(value)
    raise InvalidParameter(f"The parameter {key} is required and must be a timestamp.", "MissingParameter")


def _period(value: Any, where: str) -> int:
    if (
        not isinstance(value, int)
        or value < 1
        or (value >= 60 and value % 60)
        or (value < 60 and value not in (1, 5, 10, 20, 30))
    ):
        raise InvalidParameter(
            f"The parameter {where} must be 1, 5, 10, 20, 30 or a multiple of 60, got {value!r}."
        )
    return value


class CloudWatchApi:
    """Handler for requests signed for "monitoring"."""

    def __init__(
        self, moto_query_call: Callable[[str, dict[str, Any]], tuple[int, dict[str, str], bytes]]
    ) -> None:
        self._moto_query_call = moto_query_call
        self._operations: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
            "PutMetricData": self.put_metric_data,
            "GetMetricData": self.get_metric_data,
            "GetMetricStatistics": self.get_metric_statistics,
            "ListMetrics": self.list_metrics,
        }

    def __call__(self, request: AwsRequest) -> AwsResponse | None:
        call = protocol.decode_request(request)
        if call is None:
            return None  # the query protocol: moto answers it
        operation = self._operations.get(call.operation)
        try:
            if operation is not None:
                return protocol.encode_result(call, operation(request.region, call.params))
            return self._bridge(request.region, call)
        except InvalidParameter as exc:
            return protocol.encode_error(call, exc.code, exc.message, exc.status)
        except StatisticError as exc:
            return protocol.encode_error(call, "InvalidParameterValue", str(exc))
        except Exception as exc:  # a fogbank bug: never disguised as the caller's mistake
            _log.exception("CloudWatch %s failed in the local cloud", call.operation)
            message = (
                f"the local cloud failed on {call.operation} ({exc!r}); please report it as a fogbank bug"
            )
            return protocol.encode_error(call, "InternalFailure", message, 500)

    def _bridge(self, region: str, call: protocol.CloudWatchCall) -> AwsResponse:
        form = protocol.to_query_form(call)
        status, headers, body = self._moto_query_call(region, form)
        parsed = protocol.parse_query_response(call, status, headers, body)
        if status >= 400:
            error = parsed.get("Error", {})
            return protocol.encode_error(
                call, error.get("Code") or "InternalFailure", error.get("Message", ""), status
            )
        return protocol.encode_result(call, parsed)

    # -- operations ----------------------------------------------------------------------------------
    def put_metric_data(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        namespace = params.get("Namespace")
        if not namespace:
            raise InvalidParameter("The parameter Namespace is required.", "MissingParameter")
        if str(namespace).startswith("AWS/"):
            raise InvalidParameter(
                f"The value {namespace} for parameter Namespace is invalid (AWS/ is reserved)."
            )
        data = params.get("MetricData") or []
        for index, datum in enumerate(data, start=1):
            if not datum.get("MetricName"):
                raise InvalidParameter(
                    f"MetricData.member.{index}.MetricName is required.", "MissingParameter"
                )
        try:
            cloudwatch_state.put_metric_data(region, str(namespace), data)
        except cloudwatch_state.MetricDataRejected as exc:  # NaN values, mismatched Counts, ...
            raise InvalidParameter(exc.message, exc.code) from exc
        return {}

    def get_metric_data(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        start, end = _time(params, "StartTime"), _time(params, "EndTime")
        if start >= end:
            raise InvalidParameter("The parameter StartTime must be less than the parameter EndTime.")
        queries = params.get("MetricDataQueries") or []
        if not queries:
            raise InvalidParameter("The parameter MetricDataQueries is required.", "MissingParameter")
        datums = cloudwatch_state.stored_datums(region)
        descending = params.get("ScanBy", "TimestampDescending") == "TimestampDescending"
        results = []
        for query in queries:
            query_id = query.get("Id", "")
            if "MetricStat" not in query:
                raise InvalidParameter(
                    f"MetricDataQueries {query_id!r}: only MetricStat queries are supported by the local cloud "
                    "(metric math and Metrics Insights expressions are not); query each metric with MetricStat"
                )
            stat_query = query["MetricStat"]
            metric = stat_query["Metric"]
            stat = validate_statistic(stat_query.get("Stat", ""))
            seconds = _period(stat_query.get("Period"), f"MetricDataQueries.{query_id}.MetricStat.Period")
            selected = matching(
                datums,
                metric.get("Namespace", ""),
                metric.get("MetricName", ""),
                _dimension_pairs(metric.get("Dimensions")),
                stat_query.get("Unit"),
            )
            points = [
                (p.start, value)
                for p in periods(selected, seconds, period_start(start, seconds), end)
                if (value := p.statistic(stat)) is not None
            ]
            if descending:
                points.reverse()
            if query.get("ReturnData", True):
                results.append(
                    {
                        "Id": query_id,
                        "Label": query.get("Label") or metric.get("MetricName", ""),
                        "Timestamps": [moment for moment, _ in points],
                        "Values": [value for _, value in points],
                        "StatusCode": "Complete",
                    }
                )
        return {"MetricDataResults": results, "Messages": []}

    def get_metric_statistics(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        start, end = _time(params, "StartTime"), _time(params, "EndTime")
        if start >= end:
            raise InvalidParameter("The parameter StartTime must be less than the parameter EndTime.")
        statistics = [validate_statistic(s) for s in params.get("Statistics") or []]
        extended = [validate_statistic(s) for s in params.get("ExtendedStatistics") or []]
        if any(s not in BASIC_STATISTICS for s in statistics):
            raise InvalidParameter(
                "Statistics takes SampleCount, Average, Sum, Minimum or Maximum; use ExtendedStatistics for pNN."
            )
        if not statistics and not extended:
            raise InvalidParameter("Specify Statistics or ExtendedStatistics.", "MissingParameter")
        seconds = _period(params.get("Period"), "Period")
        selected = matching(
            cloudwatch_state.stored_datums(region),
            params.get("Namespace", ""),
            params.get("MetricName", ""),
            _dimension_pairs(params.get("Dimensions")),
            params.get("Unit"),
        )
        datapoints = []
        for period in periods(selected, seconds, period_start(start, seconds), end):
            point: dict[str, Any] = {"Timestamp": period.start, "Unit": params.get("Unit") or period.unit}
            for stat in statistics:
                point[stat] = period.statistic(stat)
            if extended:
                point["ExtendedStatistics"] = {
                    s: value for s in extended if (value := period.statistic(s)) is not None
                }
            datapoints.append(point)
        return {"Label": params.get("MetricName", ""), "Datapoints": datapoints}

    def list_metrics(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        namespace, name = params.get("Namespace"), params.get("MetricName")
        filters = params.get("Dimensions") or []
        seen: dict[tuple[str, str, tuple[tuple[str, str], ...]], None] = {}
        for datum in cloudwatch_state.stored_datums(region):
            if (namespace and datum.namespace != namespace) or (name and datum.name != name):
                continue
            present = dict(datum.dimensions)
            if any(
                f["Name"] not in present or ("Value" in f and present[f["Name"]] != f["Value"])
                for f in filters
            ):
                continue
            seen[(datum.namespace, datum.name, tuple(sorted(datum.dimensions)))] = None
        metrics = [
            {"Namespace": ns, "MetricName": n, "Dimensions": [{"Name": k, "Value": v} for k, v in dims]}
            for ns, n, dims in seen
        ]
        offset = 0
        if params.get("NextToken"):
            try:
                offset = int(json.loads(base64.b64decode(params["NextToken"]))["offset"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidParameter("Request parameter NextToken is invalid") from exc
        page = metrics[offset : offset + _LIST_PAGE]
        result: dict[str, Any] = {"Metrics": page}
        if offset + _LIST_PAGE < len(metrics):
            result["NextToken"] = base64.b64encode(
                json.dumps({"offset": offset + _LIST_PAGE}).encode()
            ).decode()
        return result
