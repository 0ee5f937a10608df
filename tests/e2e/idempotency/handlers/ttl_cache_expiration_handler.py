import os
import time
import uuid

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

persistence_layer = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
config = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=2)


@idempotent(config=config, persistence_store=persistence_layer)
def lambda_handler(event, context):
    # a new value on every real execution, so the test sees when a response comes from the store
    return {"execution": str(uuid.uuid4()), "executed_at": time.time()}
