import os

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent
from aws_lambda_powertools.utilities.idempotency.persistence.cache import CachePersistenceLayer

persistence_layer = CachePersistenceLayer(
    host=os.environ["CACHE_HOST"], port=int(os.environ["CACHE_PORT"]), ssl=True
)
# the key is the transaction id; the amount must not change between retries of the same transaction
config = IdempotencyConfig(event_key_jmespath="transaction_id", payload_validation_jmespath="amount")


@idempotent(config=config, persistence_store=persistence_layer)
def lambda_handler(event, context):
    return {"transaction_id": event["transaction_id"], "charged": event["amount"]}
