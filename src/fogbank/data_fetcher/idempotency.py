"""Read Powertools idempotency records from DynamoDB (the seed's get_ddb_idempotency_record).

Example (skipped as a doctest: it needs a deployed stack):
    >>> get_ddb_idempotency_record(function_name="my-fn", table_name=outputs["IdempotencyTable"])  # doctest: +SKIP
    1
"""

from __future__ import annotations

from typing import Any

import boto3

from fogbank.data_fetcher.retry import NotReady, until_ready

__all__ = ["get_ddb_idempotency_record"]


def get_ddb_idempotency_record(
    function_name: str, table_name: str, *, ddb_resource: Any = None, timeout: float | None = None
) -> int:
    """How many records of `function_name` the table holds (ids containing `<function_name>#`), once there are any.

    As the seed does, the table is scanned with `contains(id, "<function_name>#")`; FetchTimeoutError when no
    record appeared before the deadline.
    """
    table = (ddb_resource or boto3.resource("dynamodb")).Table(table_name)

    def attempt() -> int:
        found = table.scan(
            FilterExpression="contains (id, :functionName)",
            ExpressionAttributeValues={":functionName": f"{function_name}#"},
        )
        if not found["Items"]:
            raise NotReady(f"no idempotency record of {function_name} in {table_name} yet")
        return int(found["Count"])

    return until_ready(attempt, awaiting=f"idempotency records of {function_name}", timeout=timeout)
