"""Idempotency with Powertools' Redis persistence layer, against a ServerlessCache reached from functions in a VPC."""

import json
from uuid import uuid4

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="idempotency_redis")


def _invoke(function_arn: str, event: dict) -> tuple[dict, dict]:
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=function_arn, payload=json.dumps(event), raise_on_error=False
    )
    return response, json.loads(response["Payload"].read())


def test_repeated_order_is_answered_from_the_cache(infrastructure: dict):
    # GIVEN an order id new to the cache
    event = {"order_id": str(uuid4())}

    # WHEN the function is invoked twice with it, and once with another order
    _, first = _invoke(infrastructure["IdempotentOrderHandlerArn"], event)
    _, second = _invoke(infrastructure["IdempotentOrderHandlerArn"], event)
    _, other = _invoke(infrastructure["IdempotentOrderHandlerArn"], {"order_id": str(uuid4())})

    # THEN the repeat returned the stored result, and the other order ran anew
    assert "execution" in first, first
    assert second == first
    assert other["execution"] != first["execution"]


def test_tampered_payload_is_rejected(infrastructure: dict):
    # GIVEN a transaction processed once
    transaction_id = str(uuid4())
    _, first = _invoke(
        infrastructure["TamperedPayloadHandlerArn"], {"transaction_id": transaction_id, "amount": 10}
    )

    # WHEN the same transaction comes again with another amount
    response, tampered = _invoke(
        infrastructure["TamperedPayloadHandlerArn"], {"transaction_id": transaction_id, "amount": 99}
    )

    # THEN the record in the cache rejected it
    assert first == {"transaction_id": transaction_id, "charged": 10}
    assert response["FunctionError"] == "Unhandled"
    assert tampered["errorType"] == "IdempotencyValidationError"
