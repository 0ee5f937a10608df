import os
import time

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

persistence_layer = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"])
config = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=60)


@idempotent(config=config, persistence_store=persistence_layer)
def lambda_handler(event, context):
    time.sleep(event["sleep"])
    return {"id": event["id"], "slept": event["sleep"]}
