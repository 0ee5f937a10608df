"""Front-door benchmarks: warm round trip through each door vs a direct Invoke, and requests/s under load.

Run: .venv/bin/python -m pytest benchmarks/test_frontdoors.py -p no:xdist --benchmark-only
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fogbank.cloud.frontdoors.doors.alb import AlbListener, Forward, LambdaTargetGroup
from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlModel
from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel, HttpRoute
from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel, RestMethod, RestResource
from fogbank.cloud.server import LocalCloud

HANDLER = b'def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n'
TRUST = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'


@pytest.fixture(scope="module")
def setup() -> Iterator[dict[str, Any]]:
    with LocalCloud() as cloud:
        ctx = cloud.context
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("app.py", HANDLER)
        role = cloud.client("iam").create_role(RoleName="bench", AssumeRolePolicyDocument=TRUST)["Role"][
            "Arn"
        ]
        lam = cloud.client("lambda")
        arn = lam.create_function(
            FunctionName="bench",
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()},
        )["FunctionArn"]
        for sid, principal in (
            ("alb", "elasticloadbalancing.amazonaws.com"),
            ("apigw", "apigateway.amazonaws.com"),
        ):
            lam.add_permission(
                FunctionName=arn, StatementId=sid, Action="lambda:InvokeFunction", Principal=principal
            )
        lam.add_permission(
            FunctionName=arn,
            StatementId="url",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
        doors = ctx.frontdoors
        lb = doors.allocate_load_balancer("lb")
        doors.put_target_group(LambdaTargetGroup("tg", arn))
        doors.add_alb_listener("lb", AlbListener("l", 8080, [Forward("tg")]))
        rest = RestApiModel(
            "rest1",
            ctx.region,
            ctx.account_id,
            [RestResource("/x", "r", {"GET": RestMethod("GET", function_arn=arn)})],
            {"prod": {}},
        )
        http = HttpApiModel("http1", ctx.region, ctx.account_id, [HttpRoute("GET /x", arn)], {"$default": {}})
        url = FunctionUrlModel("url1", arn, "NONE", ctx.region, ctx.account_id)
        doors.put_rest_api(rest)
        doors.put_http_api(http)
        doors.put_function_url(url)
        urls = {
            "alb": f"http://{lb}:8080/x",
            "rest": f"https://{rest.domain_name}/prod/x",
            "http": f"https://{http.domain_name}/x",
            "url": url.url + "x",
        }
        session = requests.Session()
        for target in urls.values():
            assert session.get(target, timeout=60).status_code == 200  # warm the worker and connections
        yield {
            "cloud": cloud,
            "arn": arn,
            "urls": urls,
            "session": session,
            "edge": doors.edge_port,
            "url_host": url.domain_name,
        }


def test_direct_invoke(benchmark: Any, setup: dict[str, Any]) -> None:
    lam = setup["cloud"].client("lambda")
    result = benchmark(lambda: lam.invoke(FunctionName=setup["arn"], Payload=b"{}"))
    assert result["StatusCode"] == 200


@pytest.mark.parametrize("door", ["alb", "rest", "http", "url"])
def test_door_round_trip(benchmark: Any, setup: dict[str, Any], door: str) -> None:
    session, url = setup["session"], setup["urls"][door]
    response = benchmark(lambda: session.get(url, timeout=30))
    assert response.status_code == 200 and response.text == "ok"


LOAD = textwrap.dedent(
    """
    import sys, time, threading, http.client
    port, host, per_thread, threads = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    errors = []
    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_thread):
            conn.request("GET", "/x", headers={"Host": host})
            r = conn.getresponse(); r.read()
            if r.status != 200: errors.append(r.status)
    start = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    [w.start() for w in workers]; [w.join() for w in workers]
    print(per_thread * threads / (time.perf_counter() - start), len(errors))
    """
)


def test_requests_per_second_from_second_process(benchmark: Any, setup: dict[str, Any]) -> None:
    # a bounded load: 4 connections x 100 requests to the Function URL, from another process, on loopback
    def load() -> tuple[float, int]:
        out = subprocess.run(
            [sys.executable, "-c", LOAD, str(setup["edge"]), setup["url_host"], "100", "4"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout.split()
        return float(out[0]), int(out[1])

    rps, errors = benchmark.pedantic(load, rounds=1, iterations=1)
    benchmark.extra_info["requests_per_second"] = round(rps, 1)
    print(json.dumps({"requests_per_second": round(rps, 1), "errors": errors}))
    assert errors == 0 and rps > 0
