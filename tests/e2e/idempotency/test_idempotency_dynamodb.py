import json
import time
from uuid import uuid4

import pytest

from fogbank import data_fetcher
from fogbank.data_fetcher import GetLambdaResponseOptions

pytestmark = pytest.mark.xdist_group(name="idempotency")

TTL_SECONDS = 2  # expires_after_seconds of ttl_cache_expiration_handler


@pytest.fixture
def ttl_cache_expiration_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["TtlCacheExpirationHandlerArn"]


@pytest.fixture
def ttl_cache_timeout_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["TtlCacheTimeoutHandlerArn"]


@pytest.fixture
def parallel_execution_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["ParallelExecutionHandlerArn"]


@pytest.fixture
def payload_tampering_validation_fn_arn(infrastructure: dict) -> str:
    return infrastructure["PayloadTamperingValidationHandlerArn"]


@pytest.fixture
def response_hook_fn_arn(infrastructure: dict) -> str:
    return infrastructure["ResponseHookArn"]


def _invoke(function_arn: str, event: dict) -> tuple[dict, dict]:
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=function_arn, payload=json.dumps(event), raise_on_error=False
    )
    return response, json.loads(response["Payload"].read())


def test_ttl_caching_expiration_idempotency(ttl_cache_expiration_handler_fn_arn: str):
    # GIVEN an idempotency key new to the table, and records that expire after TTL_SECONDS
    event = {"id": str(uuid4())}

    # WHEN the function is invoked twice, then again once the record has expired
    _, first = _invoke(ttl_cache_expiration_handler_fn_arn, event)
    _, second = _invoke(ttl_cache_expiration_handler_fn_arn, event)
    # Powertools compares whole seconds: the record is expired once int(now) > int(first run) + TTL
    time.sleep(max(0.0, first["executed_at"] + TTL_SECONDS + 1.5 - time.time()))
    _, third = _invoke(ttl_cache_expiration_handler_fn_arn, event)

    # THEN the second response came from the table, the third from a new execution
    assert second == first
    assert third["execution"] != first["execution"]


def test_ttl_caching_timeout_idempotency(ttl_cache_timeout_handler_fn_arn: str):
    # GIVEN an invocation that runs past the function's timeout, leaving an INPROGRESS record
    key = str(uuid4())

    # WHEN it times out, and the same key is retried with a quick execution
    timed_out, timed_out_payload = _invoke(ttl_cache_timeout_handler_fn_arn, {"id": key, "sleep": 30})
    retried, retried_payload = _invoke(ttl_cache_timeout_handler_fn_arn, {"id": key, "sleep": 0})

    # THEN the first is a Lambda timeout, and the retry is not blocked by the record it left:
    # Powertools stored the Lambda deadline as the record's in-progress expiry
    assert timed_out["FunctionError"] == "Unhandled"
    assert "Task timed out after" in timed_out_payload["errorMessage"]
    assert "FunctionError" not in retried
    assert retried_payload == {"id": key, "slept": 0}


def test_parallel_execution_idempotency(parallel_execution_handler_fn_arn: str):
    # GIVEN two invocations with the same key, the second started while the first still runs
    payload = json.dumps({"id": str(uuid4()), "sleep": 2})
    options = [
        GetLambdaResponseOptions(
            lambda_arn=parallel_execution_handler_fn_arn, payload=payload, raise_on_error=False
        )
        for _ in range(2)
    ]

    # WHEN they run in parallel
    results = data_fetcher.get_lambda_response_in_parallel(options)

    # THEN exactly one ran, and the other was refused as already in progress
    payloads = [json.loads(response["Payload"].read()) for response, _ in results]
    errors = [
        payload
        for response, payload in zip(results, payloads, strict=False)
        if "FunctionError" in response[0]
    ]
    assert len(errors) == 1
    assert errors[0]["errorType"] == "IdempotencyAlreadyInProgressError"
    assert "Execution already in progress with idempotency key" in errors[0]["errorMessage"]


def test_payload_tampering_validation(payload_tampering_validation_fn_arn: str):
    # GIVEN a transaction processed once
    transaction_id = str(uuid4())
    _, first = _invoke(payload_tampering_validation_fn_arn, {"transaction_id": transaction_id, "amount": 10})

    # WHEN the same transaction comes again with a different amount
    tampered, tampered_payload = _invoke(
        payload_tampering_validation_fn_arn, {"transaction_id": transaction_id, "amount": 10_000}
    )

    # THEN the first was charged, and the tampered retry is rejected instead of answered from the table
    assert first == {"transaction_id": transaction_id, "charged": 10}
    assert tampered["FunctionError"] == "Unhandled"
    assert tampered_payload["errorType"] == "IdempotencyValidationError"


def test_response_hook(response_hook_fn_arn: str):
    # GIVEN an idempotency key new to the table
    event = {"id": str(uuid4())}

    # WHEN the function is invoked twice
    _, first = _invoke(response_hook_fn_arn, event)
    _, second = _invoke(response_hook_fn_arn, event)

    # THEN only the response served from the table went through the hook
    assert "x-idempotency-response" not in first
    assert second["x-idempotency-response"] == "true"
    assert second["execution"] == first["execution"]
    assert second["x-idempotency-expiration"]
