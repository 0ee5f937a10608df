"""Every invocation's output, with START/END/REPORT, is in CloudWatch Logs when Invoke returns."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lambda_support import invoke_json

PRINTER = {
    "app.py": """
        print("init line")

        def handler(event, context):
            print("handling", event["n"])
            return event["n"]
    """
}
STREAM_NAME = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


def _messages(logs_client: Any, group: str) -> tuple[list[str], list[str]]:
    streams = [s["logStreamName"] for s in logs_client.describe_log_streams(logGroupName=group)["logStreams"]]
    events = logs_client.filter_log_events(logGroupName=group)["events"]
    return streams, [event["message"] for event in events]


def test_invocation_logs_are_written_before_invoke_returns(
    lambda_client: Any, logs_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function that prints at init and per invocation
    name = make_function(PRINTER, MemorySize=192)

    # WHEN it is invoked twice (cold, then warm)
    first, _ = invoke_json(lambda_client, name, {"n": 1})
    second, _ = invoke_json(lambda_client, name, {"n": 2})

    # THEN /aws/lambda/<fn> has one stream named like AWS's, with both invocations' lines in order
    streams, messages = _messages(logs_client, f"/aws/lambda/{name}")
    assert len(streams) == 1 and STREAM_NAME.match(streams[0]), streams
    first_id = first["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    second_id = second["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert messages.index("init line") < messages.index(f"START RequestId: {first_id} Version: $LATEST")
    assert messages.index("handling 1") < messages.index(f"END RequestId: {first_id}")
    assert f"START RequestId: {second_id} Version: $LATEST" in messages
    assert "handling 2" in messages

    # AND the REPORT lines carry Lambda's figures; Init Duration only on the cold start
    reports = [m for m in messages if m.startswith("REPORT")]
    assert len(reports) == 2
    cold, warm = reports
    for report in reports:
        assert re.search(r"\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 192 MB\t", report)
        assert re.search(r"Max Memory Used: \d+ MB", report)
    assert re.search(r"Init Duration: \d+\.\d\d ms", cold)
    assert "Init Duration" not in warm


def test_logging_config_log_group_is_used(
    lambda_client: Any, logs_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function whose LoggingConfig names its own group
    name = make_function(PRINTER, LoggingConfig={"LogFormat": "Text", "LogGroup": "/team/shared"})

    # WHEN it is invoked
    invoke_json(lambda_client, name, {"n": 7})

    # THEN its lines land in that group
    _, messages = _messages(logs_client, "/team/shared")
    assert "handling 7" in messages


def test_failures_are_logged(lambda_client: Any, logs_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a 1 s function that can fail and time out
    name = make_function(
        {
            "app.py": "import time\ndef handler(e, c):\n    time.sleep(e['sleep'])\n    raise RuntimeError('kaput')\n"
        },
        Timeout=1,
    )

    # WHEN it raises, then times out
    invoke_json(lambda_client, name, {"sleep": 0})
    invoke_json(lambda_client, name, {"sleep": 3})

    # THEN the error and the timeout notice are in its logs
    _, messages = _messages(logs_client, f"/aws/lambda/{name}")
    assert any("kaput" in m and "RuntimeError" in m for m in messages)
    assert any(m.endswith("Task timed out after 1.00 seconds") for m in messages)
    assert any(m.startswith("REPORT") and "Status: timeout" in m for m in messages)


def test_json_log_format_writes_platform_records(
    lambda_client: Any, logs_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function with LogFormat JSON that logs through the logging module
    name = make_function(
        {
            "app.py": "import logging\ndef handler(e, c):\n    logging.getLogger().info('structured')\n    return 1\n"
        },
        LoggingConfig={"LogFormat": "JSON"},
    )

    # WHEN it is invoked
    invoke_json(lambda_client, name)

    # THEN application and platform lines are JSON
    import json

    _, messages = _messages(logs_client, f"/aws/lambda/{name}")
    records = [json.loads(m) for m in messages]
    assert any(r.get("message") == "structured" and r.get("level") == "INFO" for r in records)
    types = [r.get("type") for r in records]
    assert types[0] == "platform.start"
    assert "platform.report" in types
