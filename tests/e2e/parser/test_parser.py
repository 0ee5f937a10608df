import json

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="parser")


# a pydantic model, and a dataclass
MODEL_HANDLER_OUTPUTS = ["HandlerWithBasicModelArn", "HandlerWithDataclassArn"]


@pytest.fixture
def handler_with_union_tag_arn(infrastructure: dict) -> str:
    return infrastructure["HandlerWithUnionTagArn"]


def _invoke(function_arn: str, event: dict) -> tuple[dict, dict]:
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=function_arn, payload=json.dumps(event), raise_on_error=False
    )
    return response, json.loads(response["Payload"].read())


@pytest.mark.parametrize("output", MODEL_HANDLER_OUTPUTS)
def test_valid_event_is_parsed(infrastructure: dict, output: str):
    # GIVEN an event matching the handler's model (a pydantic model, or a dataclass)
    function_arn = infrastructure[output]
    event = {"product": "fogbank", "version": "1.0"}

    # WHEN
    response, payload = _invoke(function_arn, event)

    # THEN the handler received the parsed model
    assert "FunctionError" not in response
    assert payload == event


@pytest.mark.parametrize("output", MODEL_HANDLER_OUTPUTS)
def test_invalid_event_is_rejected(infrastructure: dict, output: str):
    # GIVEN an event without a required field
    function_arn = infrastructure[output]

    # WHEN
    response, payload = _invoke(function_arn, {"product": "fogbank"})

    # THEN the invocation fails with pydantic's ValidationError naming the field
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ValidationError"
    assert "version" in payload["errorMessage"]


@pytest.mark.parametrize(
    ("event", "model"),
    [
        ({"status": "succeeded", "name": "Clifford", "breed": "Labrador"}, "SuccessfulCallback"),
        ({"status": "failed", "error": "oh no"}, "FailedCallback"),
        ({"status": "temporary_error", "retry_in_seconds": 30}, "TemporaryErrorCallback"),
    ],
)
def test_discriminated_union_picks_model(handler_with_union_tag_arn: str, event: dict, model: str):
    # GIVEN an event whose "status" selects one model of the union (see the parameters)

    # WHEN
    response, payload = _invoke(handler_with_union_tag_arn, event)

    # THEN the handler received that model
    assert "FunctionError" not in response
    assert payload == {"model": model, **event}


def test_discriminated_union_rejects_unknown_tag(handler_with_union_tag_arn: str):
    # GIVEN an event whose "status" matches no model of the union
    event = {"status": "unknown", "error": "?"}

    # WHEN
    response, payload = _invoke(handler_with_union_tag_arn, event)

    # THEN the invocation fails with a ValidationError about the discriminator
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ValidationError"
    assert "found using 'status' does not match any of the expected tags" in payload["errorMessage"]
