import os
import uuid

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

persistence_layer = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])


def mark_idempotent_response(response: dict, idempotent_data: DataRecord) -> dict:
    # called only when the response comes from the persistence store
    response["x-idempotency-response"] = "true"
    response["x-idempotency-expiration"] = idempotent_data.get_expiration_datetime().isoformat()
    return response


config = IdempotencyConfig(event_key_jmespath="id", response_hook=mark_idempotent_response)


@idempotent(config=config, persistence_store=persistence_layer)
def lambda_handler(event, context):
    return {"execution": str(uuid.uuid4())}
