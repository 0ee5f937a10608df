"""Read back what a function left behind: its response, logs, metrics and traces.

The same code runs against the local cloud and AWS (boto3 picks up AWS_ENDPOINT_URL); every helper waits on a
deadline and returns as soon as the data is there.

Example (skipped as a doctest: it needs a deployed stack):
    >>> from fogbank.data_fetcher import get_lambda_response, get_logs
    >>> response, execution_time = get_lambda_response(function_arn)  # doctest: +SKIP
    >>> logs = get_logs(function_name=function_name, start_time=execution_time)  # doctest: +SKIP
"""

from __future__ import annotations

from fogbank.data_fetcher.http import get_http_response
from fogbank.data_fetcher.idempotency import get_ddb_idempotency_record
from fogbank.data_fetcher.lambda_ import (
    GetLambdaResponseOptions,
    get_lambda_response,
    get_lambda_response_in_parallel,
)
from fogbank.data_fetcher.logs import Log, LogFetcher, get_logs
from fogbank.data_fetcher.metrics import build_metric_query_data, get_metrics
from fogbank.data_fetcher.traces import TraceDocument, TraceFetcher, TraceSubsegment, get_traces

__all__ = [
    "GetLambdaResponseOptions",
    "Log",
    "LogFetcher",
    "TraceDocument",
    "TraceFetcher",
    "TraceSubsegment",
    "build_metric_query_data",
    "get_ddb_idempotency_record",
    "get_http_response",
    "get_lambda_response",
    "get_lambda_response_in_parallel",
    "get_logs",
    "get_metrics",
    "get_traces",
]
