"""CreateFunction, UpdateFunctionCode and PublishLayerVersion refuse archives as Lambda does; a missing handler
file is reported when the function is invoked (Runtime.ImportModuleError), as Lambda reports it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from lambda_support import invoke_json, zip_code

EMPTY = "Uploaded file must be a non-empty zip"
CORRUPT = "Could not unzip uploaded file. Please check your file, then try to upload again."


def _no_files() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("only-a-folder/"), b"")
    return buffer.getvalue()


BAD_ARCHIVES = [
    pytest.param(b"", EMPTY, id="no-bytes"),
    pytest.param(_no_files(), EMPTY, id="no-files"),
    pytest.param(b"PK\x03\x04 this is not really a zip", CORRUPT, id="corrupt"),
    pytest.param(zip_code({"app.py": "x = 1\n"})[:-30], CORRUPT, id="truncated"),
]


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.mark.parametrize(("archive", "message"), BAD_ARCHIVES)
def test_create_function_refuses_the_archive(
    lambda_client: Any, role_arn: str, archive: bytes, message: str
) -> None:
    # GIVEN a bad .zip WHEN a function is created from it
    with pytest.raises(ClientError) as raised:
        lambda_client.create_function(
            FunctionName="bad-archive", Runtime="python3.11", Role=role_arn, Handler="app.handler",
            Code={"ZipFile": archive},
        )  # fmt: skip

    # THEN Lambda's error comes back, and no function was created
    assert _error(raised) == ("InvalidParameterValueException", message, 400)
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.get_function(FunctionName="bad-archive")


@pytest.mark.parametrize(("archive", "message"), BAD_ARCHIVES)
def test_update_function_code_refuses_the_archive_and_keeps_the_code(
    lambda_client: Any, make_function: Callable[..., str], archive: bytes, message: str
) -> None:
    # GIVEN a working function
    name = make_function({"app.py": "def handler(e, c):\n    return 'old'\n"})
    sha = lambda_client.get_function_configuration(FunctionName=name)["CodeSha256"]

    # WHEN its code is replaced by a bad .zip
    with pytest.raises(ClientError) as raised:
        lambda_client.update_function_code(FunctionName=name, ZipFile=archive)

    # THEN Lambda's error comes back and the function still runs its old code
    assert _error(raised) == ("InvalidParameterValueException", message, 400)
    assert lambda_client.get_function_configuration(FunctionName=name)["CodeSha256"] == sha
    assert invoke_json(lambda_client, name)[1] == "old"


@pytest.mark.parametrize(("archive", "message"), BAD_ARCHIVES)
def test_publish_layer_version_refuses_the_archive(lambda_client: Any, archive: bytes, message: str) -> None:
    # GIVEN a bad .zip WHEN a layer version is published from it
    with pytest.raises(ClientError) as raised:
        lambda_client.publish_layer_version(LayerName="bad-layer", Content={"ZipFile": archive})

    # THEN Lambda's error comes back
    assert _error(raised) == ("InvalidParameterValueException", message, 400)


def test_code_from_s3_is_checked_too(cloud: Any, lambda_client: Any, role_arn: str) -> None:
    # GIVEN a corrupt .zip in S3 (the way CloudFormation and CDK assets deliver code)
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="bad-code")
    s3.put_object(Bucket="bad-code", Key="code.zip", Body=b"not a zip at all")

    # WHEN a function is created from it
    with pytest.raises(ClientError) as raised:
        lambda_client.create_function(
            FunctionName="bad-s3-code", Runtime="python3.11", Role=role_arn, Handler="app.handler",
            Code={"S3Bucket": "bad-code", "S3Key": "code.zip"},
        )  # fmt: skip

    # THEN it is refused like an uploaded one
    assert _error(raised) == ("InvalidParameterValueException", CORRUPT, 400)


def test_missing_handler_file_is_an_import_error_at_invoke(
    lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a valid .zip without the handler's file (Lambda accepts it at CreateFunction)
    name = make_function({"other.py": "x = 1\n"}, handler="app.handler")

    # WHEN it is invoked
    response, body = invoke_json(lambda_client, name)

    # THEN Lambda's init error comes back, word for word
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == "Unable to import module 'app': No module named 'app'"
