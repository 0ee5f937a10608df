"""Invoke through boto3 on a LocalCloud: results, environment, updates, deletes, layers."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json, zip_code

ECHO = {
    "app.py": """
        import os

        def handler(event, context):
            print("got", event)
            return {"event": event, "request_id": context.aws_request_id, "function": context.function_name}
    """
}


def test_invoke_returns_the_handler_result(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a python function that echoes its event
    name = make_function(ECHO)

    # WHEN it is invoked with a JSON payload
    response, body = invoke_json(lambda_client, name, {"hello": "world"})

    # THEN the handler's return value comes back, with Lambda's headers
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"hello": "world"}
    assert body["function"] == name
    assert body["request_id"] == response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


ENVIRONMENT = {
    "app.py": """
        import os
        import boto3

        KEYS = [
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "_HANDLER", "AWS_REGION",
            "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT", "AWS_XRAY_DAEMON_ADDRESS", "_X_AMZN_TRACE_ID", "GREETING",
            "FOGBANK_SECRET_OF_THE_PARENT",
        ]

        def handler(event, context):
            boto3.client("s3").create_bucket(Bucket=event["bucket"])
            return {key: os.environ.get(key) for key in KEYS} | {"cwd": os.getcwd(), "pid": os.getpid()}
    """
}


def test_handler_sees_lambda_environment_and_reaches_the_cloud(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a function with its own variable, and a variable in the cloud's process that must not leak
    monkeypatch.setenv("FOGBANK_SECRET_OF_THE_PARENT", "leaked")
    name = make_function(ENVIRONMENT, MemorySize=256, Environment={"Variables": {"GREETING": "hi"}})

    # WHEN it runs and uses plain boto3
    response, env = invoke_json(lambda_client, name, {"bucket": "made-by-handler"})

    # THEN Lambda's variables are set, its own variable too, the parent's are not, and boto3 hit the cloud
    assert "FunctionError" not in response, env
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].split("/")[3].startswith("[$LATEST]")
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == cloud.region
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["LAMBDA_TASK_ROOT"] == env["cwd"]
    assert env["AWS_XRAY_DAEMON_ADDRESS"].startswith("127.0.0.1:")
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert ";Parent=" in env["_X_AMZN_TRACE_ID"]
    assert env["GREETING"] == "hi"
    assert env["FOGBANK_SECRET_OF_THE_PARENT"] is None
    buckets = [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]]
    assert "made-by-handler" in buckets


def test_warm_worker_is_reused(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function that reports its process id
    name = make_function({"app.py": "import os\ndef handler(event, context):\n    return os.getpid()\n"})

    # WHEN it is invoked twice in a row
    _, first = invoke_json(lambda_client, name)
    _, second = invoke_json(lambda_client, name)

    # THEN the second call ran in the same (warm) worker process
    assert first == second


def test_update_code_and_configuration_recycle_workers(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a warm function
    name = make_function(
        {"app.py": "import os\ndef handler(e, c):\n    return ['v1', os.environ.get('MODE')]\n"},
        Environment={"Variables": {"MODE": "a"}},
    )
    assert invoke_json(lambda_client, name)[1] == ["v1", "a"]

    # WHEN its code is updated, THEN the next invoke runs the new code
    lambda_client.update_function_code(
        FunctionName=name,
        ZipFile=zip_code(
            {"app.py": "import os\ndef handler(e, c):\n    return ['v2', os.environ.get('MODE')]\n"}
        ),
    )
    assert invoke_json(lambda_client, name)[1] == ["v2", "a"]

    # WHEN its configuration is updated, THEN the next invoke sees it
    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"MODE": "b"}})
    assert invoke_json(lambda_client, name)[1] == ["v2", "b"]


def test_published_version_keeps_its_code(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN version 1 published, then $LATEST changed
    name = make_function({"app.py": "def handler(e, c):\n    return 'one'\n"})
    version = lambda_client.publish_version(FunctionName=name)["Version"]
    lambda_client.update_function_code(
        FunctionName=name, ZipFile=zip_code({"app.py": "def handler(e, c):\n    return 'two'\n"})
    )

    # WHEN both are invoked
    old, old_body = invoke_json(lambda_client, name, Qualifier=version)
    new, new_body = invoke_json(lambda_client, name)

    # THEN each runs its own code and reports its version
    assert (old_body, old["ExecutedVersion"]) == ("one", version)
    assert (new_body, new["ExecutedVersion"]) == ("two", "$LATEST")


def test_deleted_function_is_not_found(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a function that ran once (a warm worker exists)
    name = make_function(ECHO)
    invoke_json(lambda_client, name)

    # WHEN it is deleted
    lambda_client.delete_function(FunctionName=name)

    # THEN Invoke answers ResourceNotFoundException naming it
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException, match=name):
        invoke_json(lambda_client, name)


def test_layers_are_on_the_path(lambda_client: Any, make_function: Callable[..., str]) -> None:
    # GIVEN a layer with a python/ package, published and attached
    layer = lambda_client.publish_layer_version(
        LayerName="shared",
        Content={"ZipFile": zip_code({"python/shared_lib.py": "VALUE = 'from the layer'\n"})},
        CompatibleRuntimes=["python3.11"],
    )
    name = make_function(
        {"app.py": "import shared_lib\ndef handler(e, c):\n    return shared_lib.VALUE\n"},
        Layers=[layer["LayerVersionArn"]],
    )

    # WHEN the function imports from it
    response, body = invoke_json(lambda_client, name)

    # THEN the layer's module is found, and the API reports the layer
    assert "FunctionError" not in response, body
    assert body == "from the layer"
    fetched = lambda_client.get_layer_version(LayerName="shared", VersionNumber=layer["Version"])
    assert fetched["LayerVersionArn"] == layer["LayerVersionArn"]
    config = lambda_client.get_function_configuration(FunctionName=name)
    assert [item["Arn"] for item in config["Layers"]] == [layer["LayerVersionArn"]]


def test_code_from_s3(cloud: LocalCloud, lambda_client: Any, role_arn: str) -> None:
    # GIVEN code uploaded to S3
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="code-bucket")
    s3.put_object(
        Bucket="code-bucket", Key="fn.zip", Body=zip_code({"app.py": "def handler(e, c):\n    return 's3'\n"})
    )

    # WHEN a function is created from it and invoked
    lambda_client.create_function(
        FunctionName="from-s3",
        Runtime="python3.11",
        Role=role_arn,
        Handler="app.handler",
        Code={"S3Bucket": "code-bucket", "S3Key": "fn.zip"},
    )
    _, body = invoke_json(lambda_client, "from-s3")

    # THEN it runs that code
    assert body == "s3"


def test_configuration_round_trips_lambda_settings(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function created with tracing, logging config and an architecture
    name = make_function(
        ECHO,
        TracingConfig={"Mode": "Active"},
        LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/group"},
        Architectures=["arm64"],
    )

    # WHEN its configuration is read, updated and read again
    before = lambda_client.get_function(FunctionName=name)["Configuration"]
    lambda_client.update_function_configuration(FunctionName=name, TracingConfig={"Mode": "PassThrough"})
    after = lambda_client.get_function_configuration(FunctionName=name)
    listed = [f for f in lambda_client.list_functions()["Functions"] if f["FunctionName"] == name]

    # THEN every setting is kept, and the update took effect
    assert before["TracingConfig"] == {"Mode": "Active"}
    assert before["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/group"}
    assert before["Architectures"] == ["arm64"]
    assert after["TracingConfig"] == {"Mode": "PassThrough"}
    assert listed and listed[0]["LoggingConfig"]["LogGroup"] == "/custom/group"


def test_invocation_types_event_and_dry_run(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function that writes its event to S3
    cloud.client("s3").create_bucket(Bucket="events")
    name = make_function(
        {
            "app.py": """
                import boto3, json
                def handler(event, context):
                    boto3.client("s3").put_object(Bucket="events", Key=event["key"], Body=json.dumps(event))
            """
        }
    )

    # WHEN it is invoked with DryRun, then with Event
    dry = lambda_client.invoke(FunctionName=name, InvocationType="DryRun", Payload=b'{"key": "dry"}')
    event = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"key": "async"}')

    # THEN DryRun answers 204 and runs nothing; Event answers 202 and runs in the background
    assert dry["StatusCode"] == 204
    assert event["StatusCode"] == 202
    from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

    @retry(
        stop=stop_after_delay(20),
        wait=wait_fixed(0.1),
        retry=retry_if_exception_type(Exception),
        reraise=True,
    )
    def read_async() -> Any:
        return json.loads(cloud.client("s3").get_object(Bucket="events", Key="async")["Body"].read())

    assert read_async() == {"key": "async"}
    keys = [o["Key"] for o in cloud.client("s3").list_objects_v2(Bucket="events").get("Contents", [])]
    assert "dry" not in keys


def test_log_type_tail_returns_the_last_log_lines(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a function that prints
    name = make_function(ECHO)

    # WHEN it is invoked with LogType=Tail
    response, _ = invoke_json(lambda_client, name, {"x": 1}, LogType="Tail")

    # THEN the base64 tail holds its output and Lambda's lines
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "got {'x': 1}" in tail
    assert "START RequestId:" in tail
    assert "REPORT RequestId:" in tail


def test_in_process_invoke_matches_the_api(cloud: LocalCloud, make_function: Callable[..., str]) -> None:
    # GIVEN a function
    name = make_function(ECHO)

    # WHEN front doors invoke it in-process, and invoke a missing function
    result = cloud.context.lambda_.invoke(name, json.dumps({"a": 1}).encode())
    missing = cloud.context.lambda_.invoke("no-such-function", b"{}")

    # THEN the result is the same as through the API, and the error carries AWS's code
    assert result.ok
    assert json.loads(result.payload)["event"] == {"a": 1}
    assert (missing.status, missing.error_code) == (404, "ResourceNotFoundException")


def test_moto_event_sources_run_the_real_function(
    cloud: LocalCloud, make_function: Callable[..., str]
) -> None:
    # GIVEN an SNS topic with a Lambda subscription whose handler writes the message to S3
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="from-sns")
    name = make_function(
        {
            "app.py": """
                import boto3
                def handler(event, context):
                    message = event["Records"][0]["Sns"]["Message"]
                    boto3.client("s3").put_object(Bucket="from-sns", Key="message", Body=message)
            """
        }
    )
    sns = cloud.client("sns")
    topic = sns.create_topic(Name="events")["TopicArn"]
    function_arn = cloud.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)
    # as on AWS, SNS invokes only a function whose policy allows it from the topic (CDK's LambdaSubscription)
    cloud.client("lambda").add_permission(
        FunctionName=name,
        StatementId="sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=topic,
    )

    # WHEN a message is published
    sns.publish(TopicArn=topic, Message="hello from sns")

    # THEN the function ran for real (not moto's Docker runner)
    assert s3.get_object(Bucket="from-sns", Key="message")["Body"].read() == b"hello from sns"
