import json
from uuid import uuid4

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="logger")

LAMBDA_CONTEXT_KEYS = (
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "cold_start",
    "xray_trace_id",
)


@pytest.fixture
def basic_handler_fn(infrastructure: dict) -> str:
    return infrastructure["BasicHandler"]


@pytest.fixture
def basic_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["BasicHandlerArn"]


@pytest.fixture
def tz_handler_fn(infrastructure: dict) -> str:
    return infrastructure["TzHandler"]


@pytest.fixture
def tz_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["TzHandlerArn"]


def test_basic_lambda_logs_visible(basic_handler_fn: str, basic_handler_fn_arn: str):
    # GIVEN a message and a key to append, unique to this test
    message = f"logs should be visible with default settings {uuid4()}"
    custom_key = "order_id"
    additional_keys = {custom_key: f"{uuid4()}"}
    payload = json.dumps({"message": message, "append_keys": additional_keys})

    # WHEN the function is invoked twice (the first one is its cold start)
    _, execution_time = data_fetcher.get_lambda_response(lambda_arn=basic_handler_fn_arn, payload=payload)
    data_fetcher.get_lambda_response(lambda_arn=basic_handler_fn_arn, payload=payload)

    # THEN both log lines are there, with the Lambda context keys and the appended key,
    # and exactly one of them is a cold start
    logs = data_fetcher.get_logs(
        function_name=basic_handler_fn, start_time=execution_time, minimum_log_entries=2
    )

    assert len(logs) == 2
    assert len(logs.get_log(key="message", value=message)) == 2
    assert len(logs.get_log(key=custom_key, value=additional_keys[custom_key])) == 2
    assert len(logs.get_cold_start_log()) == 1
    assert logs.have_keys(*LAMBDA_CONTEXT_KEYS) is True


@pytest.mark.parametrize(
    ("tz", "utc", "expected_offset"),
    [
        ("Asia/Tokyo", False, "+0900"),  # local time in a zone without daylight saving time
        ("Asia/Kolkata", False, "+0530"),
        ("Asia/Tokyo", True, "+0000"),  # utc=True ignores the process time zone
        ("UTC", False, "+0000"),
    ],
)
def test_lambda_tz_with_and_without_utc(
    tz_handler_fn: str, tz_handler_fn_arn: str, tz: str, utc: bool, expected_offset: str
):
    # GIVEN a time zone for the function's process, and a service and message unique to this case
    # (Logger configures its handler once per service name in a process, so a warm function would
    # otherwise keep the utc setting of an earlier case)
    message = f"timezone test {uuid4()}"
    payload = json.dumps({"tz": tz, "utc": utc, "service": f"tz-{uuid4()}", "message": message})

    # WHEN the function logs with Logger(utc=...)
    _, execution_time = data_fetcher.get_lambda_response(lambda_arn=tz_handler_fn_arn, payload=payload)

    # THEN the log line's timestamp carries the expected UTC offset
    logs = data_fetcher.get_logs(
        function_name=tz_handler_fn,
        start_time=execution_time,
        minimum_log_entries=1,
        filter_expression=f'"{message}"',
    )
    [log] = logs.get_log(key="message", value=message)
    assert log.timestamp.endswith(expected_offset)
