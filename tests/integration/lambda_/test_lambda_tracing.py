"""Active tracing: Lambda's own segments, and the handler's X-Ray SDK subsegments, in one trace."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from tenacity import retry, retry_if_result, stop_after_delay, wait_exponential

from lambda_support import invoke_json
from layer_support import layer_zip

TRACED = {
    "app.py": """
        from aws_xray_sdk.core import xray_recorder

        def handler(event, context):
            with xray_recorder.in_subsegment("business-logic"):
                return "traced"
    """
}


def test_active_tracing_records_one_trace(
    cloud: Any, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function with Active tracing whose handler opens a subsegment
    layer = lambda_client.publish_layer_version(
        LayerName="xray-sdk", Content={"ZipFile": layer_zip("aws-xray-sdk")}
    )["LayerVersionArn"]
    name = make_function(TRACED, TracingConfig={"Mode": "Active"}, Layers=[layer])

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name, LogType="Tail")
    assert "FunctionError" not in response, body
    tail = base64.b64decode(response["LogResult"]).decode()
    match = re.search(r"XRAY TraceId: (\S+)\tSegmentId: (\S+)\tSampled: true", tail)
    assert match, tail
    trace_id = match.group(1)

    # THEN X-Ray holds the trace: Lambda's function segment, with the handler's subsegment under it
    xray = cloud.client("xray")

    @retry(
        stop=stop_after_delay(10),
        wait=wait_exponential(0.01, max=0.2),
        retry=retry_if_result(lambda d: not d),
    )
    def documents() -> list[dict[str, Any]]:
        traces = xray.batch_get_traces(TraceIds=[trace_id])["Traces"]
        docs = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
        return docs if any("business-logic" in json.dumps(d) for d in docs) else []

    docs = documents()
    origins = {doc.get("origin") for doc in docs}
    assert "AWS::Lambda::Function" in origins
    function_segment = next(d for d in docs if d.get("origin") == "AWS::Lambda::Function")
    assert function_segment["id"] == match.group(2)
