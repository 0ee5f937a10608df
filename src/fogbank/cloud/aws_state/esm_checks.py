"""What CreateEventSourceMapping and UpdateEventSourceMapping refuse, as AWS does or because the local poller
would not apply it (moto 5.2.5 accepted it all): FilterCriteria it cannot apply, a batching window on a stream or
FIFO queue, an SQS BatchSize over Lambda's limits, a queue visibility timeout shorter than the function's timeout.

Example:
    >>> source_service("arn:aws:sqs:us-east-1:123456789012:orders")
    'sqs'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.aws_state import sqs_filters, sqs_windows

__all__ = [
    "check_batch_size",
    "check_filter_criteria",
    "check_visibility_timeout",
    "check_window",
    "source_service",
]


def source_service(source_arn: str) -> str:
    """The service of an event source ARN (`sqs`, `kinesis`, `dynamodb`; "" when it is not an ARN)."""
    return source_arn.split(":")[2] if source_arn.count(":") >= 5 else ""


def check_filter_criteria(criteria: Any, source_arn: str) -> None:
    """Refuse what the local poller would not apply: filters on a stream, or a pattern it cannot match as AWS."""
    from moto.awslambda.exceptions import InvalidParameterValueException

    if not criteria or not (criteria.get("Filters") if isinstance(criteria, dict) else True):
        return
    if source_service(source_arn) != "sqs":  # moto stores it and delivers every record: never silently
        raise InvalidParameterValueException(
            f"FilterCriteria of the event source mapping from {source_arn}: the local cloud applies event "
            "filtering to SQS queues only (every record would reach the function). Filter in the handler, or run "
            "this test with --fogbank-target aws"
        )
    try:
        sqs_filters.compile_filters(criteria)
    except sqs_filters.FilterCriteriaError as exc:
        raise InvalidParameterValueException(str(exc)) from None


def check_batch_size(spec: dict[str, Any], source_arn: str, esm: Any = None) -> None:
    """AWS's limits on an SQS mapping's BatchSize (moto raised a ValueError: an HTTP 500 page)."""
    from moto.awslambda.exceptions import InvalidParameterValueException

    size = spec.get("BatchSize", esm.batch_size if esm is not None else None)
    window = spec.get("MaximumBatchingWindowInSeconds", esm.max_batch_window if esm is not None else None)
    if size is None or source_service(source_arn) != "sqs":
        return
    most = 10 if source_arn.endswith(".fifo") else 10000
    if int(size) > most:
        raise InvalidParameterValueException(f"BatchSize {size} exceeds the max of {most}")
    if int(size) > 10 and not int(window or 0):
        raise InvalidParameterValueException(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
        )


def check_window(spec: dict[str, Any], source_arn: str) -> None:
    """Refuse a batching window the local poller would not apply (streams and FIFO queues deliver on arrival)."""
    from moto.awslambda.exceptions import InvalidParameterValueException

    if int(spec.get("MaximumBatchingWindowInSeconds") or 0) == 0:
        return
    if source_service(source_arn) != "sqs" or source_arn.endswith(".fifo"):
        raise InvalidParameterValueException(
            f"MaximumBatchingWindowInSeconds of the event source mapping from {source_arn}: the local cloud applies "
            "batching windows to standard SQS queues only (records would be handed over as they arrive). Leave "
            "it at 0, or run this test with --fogbank-target aws"
        )


def check_visibility_timeout(backend: Any, spec: dict[str, Any], source_arn: str) -> None:
    """AWS refuses a queue whose visibility timeout is shorter than the function's timeout (a message would be
    visible, and polled again, while the function still processes it)."""
    from moto.awslambda.exceptions import InvalidParameterValueException

    queue = sqs_windows.queue_of(source_arn) if source_service(source_arn) == "sqs" else None
    if queue is None or not spec.get("FunctionName"):
        return
    function = backend._lambdas.get_function_by_name_or_arn_with_qualifier(spec["FunctionName"])
    visibility, timeout = int(queue.visibility_timeout), int(function.timeout)
    if visibility < timeout:
        raise InvalidParameterValueException(
            f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout} seconds"
        )
