"""moto's Lambda store as the Lambda component reads it: resolve, Lambda's own checks, and Invoke's hook."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto.awslambda.exceptions import InvalidParameterValueException

from fogbank.cloud.aws_state.lambda_ import (
    CORRUPT_ARCHIVE,
    EMPTY_ARCHIVE,
    LambdaStateError,
    install,
    reserved_concurrency,
    resolve,
    uninstall,
    validate_archive,
)

from ..conftest import ACCOUNT, Clients, lambda_role, zip_of

CODE = zip_of({"app.py": "def handler(event, context):\n    return event\n"})
WHERE = {"account_id": ACCOUNT, "region": "us-east-1"}


@pytest.fixture
def invoked() -> Iterator[list[tuple[str, bytes]]]:
    """fogbank's model extensions installed, with a hook that answers every Invoke by echoing it."""
    calls: list[tuple[str, bytes]] = []

    def hook(arn: str, payload: bytes) -> tuple[bytes, str | None]:
        calls.append((arn, payload))
        return (b'{"errorMessage": "boom"}', "Unhandled") if b"fail" in payload else (payload, None)

    install(hook)
    try:
        yield calls
    finally:
        uninstall()


def _create(aws: Clients, **extra: object) -> dict[str, object]:
    return dict(
        aws("lambda").create_function(
            FunctionName="fn",
            Runtime="python3.11",
            Role=lambda_role(aws),
            Handler="app.handler",
            Code={"ZipFile": CODE},
            **extra,
        )
    )


def test_resolve_reads_the_version_its_layers_and_lambdas_defaults(aws: Clients, invoked: list) -> None:
    # GIVEN a function with a layer, environment, tracing and reserved concurrency, and a published version
    layer = aws("lambda").publish_layer_version(
        LayerName="deps", Content={"ZipFile": zip_of({"python/x.py": ""})}
    )
    _create(
        aws,
        Layers=[layer["LayerVersionArn"]],
        Environment={"Variables": {"TABLE": "t"}},
        TracingConfig={"Mode": "Active"},
        Architectures=["arm64"],
        MemorySize=256,
    )
    aws("lambda").put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=2)
    aws("lambda").publish_version(FunctionName="fn")

    # WHEN $LATEST and version 1 are resolved
    latest = resolve("fn", None, **WHERE)
    version = resolve(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn", "1", **WHERE)

    # THEN the spec is the function's, with its layer's code, and Lambda's default log group and format
    assert (latest.name, latest.version, latest.handler, latest.runtime) == (
        "fn",
        "$LATEST",
        "app.handler",
        "python3.11",
    )
    assert latest.code == CODE and [layer_spec.arn for layer_spec in latest.layers] == [
        layer["LayerVersionArn"]
    ]
    assert latest.environment == {"TABLE": "t"} and latest.tracing_mode == "Active"
    assert (latest.architecture, latest.memory_size, latest.timeout) == ("arm64", 256, 3)
    assert (latest.log_group, latest.log_format) == ("/aws/lambda/fn", "Text")
    assert latest.reserved_concurrency == 2 == reserved_concurrency("fn", **WHERE)
    assert version.version == "1" and version.pool_key != latest.pool_key


def test_an_update_changes_the_pool_key_so_warm_workers_are_recycled(aws: Clients, invoked: list) -> None:
    # GIVEN a function resolved once
    _create(aws)
    before = resolve("fn", None, **WHERE)
    # WHEN its configuration is updated THEN the same version has a new pool key, and RevisionId changes
    revision = aws("lambda").get_function_configuration(FunctionName="fn")["RevisionId"]
    aws("lambda").update_function_configuration(FunctionName="fn", Timeout=10)
    after = resolve("fn", None, **WHERE)
    assert after.timeout == 10 and after.pool_key != before.pool_key
    assert aws("lambda").get_function_configuration(FunctionName="fn")["RevisionId"] != revision


def test_json_logging_config_is_kept_and_validated(aws: Clients, invoked: list) -> None:
    # GIVEN a function with JSON logs to its own group
    _create(aws, LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/fn"})
    # THEN resolve and GetFunctionConfiguration both carry it, with Lambda's default levels
    spec = resolve("fn", None, **WHERE)
    assert (spec.log_format, spec.log_group, spec.application_log_level) == ("JSON", "/custom/fn", "INFO")
    config = aws("lambda").get_function_configuration(FunctionName="fn")["LoggingConfig"]
    assert config == {
        "LogFormat": "JSON",
        "LogGroup": "/custom/fn",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }
    # AND a level Lambda does not know is refused, naming the field
    with pytest.raises(aws("lambda").exceptions.InvalidParameterValueException, match="ApplicationLogLevel"):
        aws("lambda").update_function_configuration(
            FunctionName="fn", LoggingConfig={"ApplicationLogLevel": "LOUD"}
        )


def test_invoke_goes_to_the_hook_with_the_qualified_arn(aws: Clients, invoked: list) -> None:
    # GIVEN a function
    _create(aws)
    # WHEN it is invoked through moto's API, once well and once failing
    ok = aws("lambda").invoke(FunctionName="fn", Payload=b'{"a": 1}')
    failed = aws("lambda").invoke(FunctionName="fn", Payload=b'{"fail": 1}')
    # THEN the hook ran it (not Docker), for $LATEST, and a function error is reported as Lambda reports it
    assert json.loads(ok["Payload"].read()) == {"a": 1} and "FunctionError" not in ok
    assert failed["FunctionError"] == "Unhandled"
    assert invoked[0] == (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn:$LATEST", b'{"a": 1}')


def test_a_function_that_does_not_exist_is_lambdas_404(aws: Clients) -> None:
    # WHEN an unknown function is resolved THEN the error is ResourceNotFoundException
    with pytest.raises(LambdaStateError) as raised:
        resolve("ghost", None, **WHERE)
    assert (raised.value.code, raised.value.status) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", EMPTY_ARCHIVE),
        (zip_of({}), EMPTY_ARCHIVE),
        (b"PK\x03\x04 not really a zip", CORRUPT_ARCHIVE),
        (b"plain text", CORRUPT_ARCHIVE),
    ],
)
def test_archives_lambda_refuses(data: bytes, message: str) -> None:
    # WHEN an archive is empty or unreadable THEN Lambda's InvalidParameterValueException message is raised
    with pytest.raises(InvalidParameterValueException) as raised:
        validate_archive(data)
    assert message in str(raised.value)


def test_a_zip_with_a_file_is_accepted() -> None:
    # WHEN the archive holds a file THEN it passes (a missing handler is found at invoke time, as on Lambda)
    validate_archive(zip_of({"other.py": ""}))
