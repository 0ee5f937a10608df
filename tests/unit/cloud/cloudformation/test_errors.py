"""CloudFormation API errors: AWS's codes and messages in the query shape, read back by botocore's parser."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict  # HTTP headers, as botocore receives them

from fogbank.cloud.cloudformation.errors import (
    AlreadyExistsError,
    CfnError,
    StackNotFoundError,
    TemplateValidationError,
)


def _code_and_message(error: CfnError) -> tuple[int, str, str]:
    model = botocore.session.get_session().get_service_model("cloudformation")
    answer = error.render()
    parsed = create_parser(model.metadata["protocol"]).parse(
        {"status_code": answer.status, "headers": CaseInsensitiveDict(answer.headers), "body": answer.body},
        model.operation_model("CreateStack").output_shape,
    )
    return answer.status, parsed["Error"]["Code"], parsed["Error"]["Message"]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (StackNotFoundError("app"), (400, "ValidationError", "Stack with id app does not exist")),
        (AlreadyExistsError("app"), (400, "AlreadyExistsException", "Stack [app] already exists")),
        (
            TemplateValidationError("Template format error: JSON not well-formed."),
            (400, "ValidationError", "Template format error: JSON not well-formed."),
        ),
    ],
)
def test_each_error_is_read_by_boto3_with_awss_code_and_message(
    error: CfnError, expected: tuple[int, str, str]
) -> None:
    # GIVEN an engine error / WHEN it is rendered and parsed as boto3 does
    # THEN boto3 sees CloudFormation's status, code and message
    assert _code_and_message(error) == expected
