"""Counting Powertools idempotency records. DynamoDB (AWS) is answered by botocore's Stubber; records a
deployed function wrote are read for real in tests/e2e/idempotency/test_idempotency_dynamodb.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from fogbank.data_fetcher.idempotency import get_ddb_idempotency_record
from fogbank.errors import FetchTimeoutError


@pytest.fixture
def dynamodb() -> Iterator[tuple[Any, Stubber]]:
    resource = boto3.resource(
        "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(resource.meta.client) as stubber:
        yield resource, stubber


def test_records_of_the_function_are_counted_once_there_are_any(dynamodb) -> None:
    # GIVEN a table without records of the function yet, then with two
    resource, stubber = dynamodb
    scan = {
        "TableName": "Idempotency",
        "FilterExpression": "contains (id, :functionName)",
        "ExpressionAttributeValues": {":functionName": "my-fn#"},  # as the resource layer passes it
    }
    stubber.add_response("scan", {"Items": [], "Count": 0, "ScannedCount": 3}, scan)
    items = [{"id": {"S": "my-fn#a1"}}, {"id": {"S": "my-fn#b2"}}]
    stubber.add_response("scan", {"Items": items, "Count": 2, "ScannedCount": 3}, scan)
    # WHEN counted THEN the scan is the seed's (contains "<function>#") and the count is returned once there
    assert get_ddb_idempotency_record("my-fn", "Idempotency", ddb_resource=resource, timeout=5) == 2
    stubber.assert_no_pending_responses()


def test_no_record_before_the_deadline_names_the_function_and_the_table(dynamodb) -> None:
    # GIVEN a table that never gets a record of the function
    resource, stubber = dynamodb
    for _ in range(200):
        stubber.add_response("scan", {"Items": [], "Count": 0, "ScannedCount": 0})
    # WHEN counted with a short deadline THEN the timeout says what was awaited
    with pytest.raises(FetchTimeoutError, match="no idempotency record of my-fn in Idempotency yet"):
        get_ddb_idempotency_record("my-fn", "Idempotency", ddb_resource=resource, timeout=0.3)
