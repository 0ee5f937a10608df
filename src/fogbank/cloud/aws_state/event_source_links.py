"""Where moto's (5.2.5) sources look up the event source mappings that poll them, kept in step with the mappings.

moto files a mapping in its source when it is created: under the function's ARN in a queue or a table, and
under the stream's own ARN in a Kinesis stream, so a second function mapped to the same stream replaced the
first (only the last one got records; on AWS each mapping gets them all). It never moved a mapping: after
UpdateEventSourceMapping changed its FunctionName, the queue or table still called the old function (and, the
mapping no longer naming it, nothing was delivered), and it accepted a second mapping of the same source and
function, which AWS refuses (`refuse_duplicate`, AWS's ResourceConflictException). `relink` files a mapping again under the key moto's source
passes on (the function's ARN; a Kinesis stream: the mapping's own ARN, which names the region as moto reads it).

Example:
    >>> _key(type("Esm", (), {"event_source_arn": "arn:aws:kinesis:eu-west-1:1:stream/s", "region": "eu-west-1",
    ...     "account_id": "1", "uuid": "u", "function_arn": "arn:aws:lambda:eu-west-1:1:function:f"})())
    'arn:aws:lambda:eu-west-1:1:event-source-mapping:u'
"""

from __future__ import annotations

from typing import Any

__all__ = ["refuse_duplicate", "relink"]


def _key(esm: Any) -> str:
    if str(esm.event_source_arn).split(":")[2:3] == ["kinesis"]:
        return f"arn:aws:lambda:{esm.region}:{esm.account_id}:event-source-mapping:{esm.uuid}"
    return str(esm.function_arn)


def _registries(esm: Any) -> list[dict[str, Any]]:
    """Every source's mapping table in the mapping's account and region."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.kinesis.models import kinesis_backends
    from moto.sqs.models import sqs_backends

    account, region = str(esm.account_id), str(esm.region)
    sources: list[Any] = list(sqs_backends[account][region].queues.values())
    sources += list(dynamodb_backends[account][region].tables.values())
    sources += list(kinesis_backends[account][region].streams.values())
    return [source.lambda_event_source_mappings for source in sources]


def relink(esm: Any) -> None:
    """File `esm` in the source that holds it under the key that source's deliveries need."""
    for registry in _registries(esm):
        keys = [key for key, filed in list(registry.items()) if filed is esm]
        if keys:
            for key in keys:
                registry.pop(key, None)
            registry[_key(esm)] = esm


def refuse_duplicate(backend: Any, source_arn: str, function_name: str) -> None:
    """AWS's ResourceConflictException when a mapping of `source_arn` to the function already exists."""
    from moto.awslambda.exceptions import LambdaClientError

    function = backend._lambdas.get_function_by_name_or_arn_with_qualifier(function_name)
    for esm in list(backend._event_source_mappings.values()):
        if esm.event_source_arn != source_arn or esm.function_arn != function.function_arn:
            continue
        name = function.function_name
        if source_arn.split(":")[2:3] == ["sqs"]:
            message = f'An event source mapping with SQS arn (" {source_arn} ") and function (" {name} ") already exists.'
        else:
            message = (
                f"The event source arn ({source_arn}) and function ({name}) provided mapping already exists."
            )
        error = LambdaClientError(
            "ResourceConflictException",
            f"{message} Please update or delete the existing mapping with UUID {esm.uuid}",
        )
        error.code = 409
        raise error
