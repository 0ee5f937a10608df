import os
import uuid

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent
from aws_lambda_powertools.utilities.idempotency.persistence.cache import CachePersistenceLayer

# TLS in transit, as a ServerlessCache requires; the server's certificate is verified against the trusted CAs
persistence_layer = CachePersistenceLayer(
    host=os.environ["CACHE_HOST"], port=int(os.environ["CACHE_PORT"]), ssl=True
)
config = IdempotencyConfig(event_key_jmespath="order_id", expires_after_seconds=60)


@idempotent(config=config, persistence_store=persistence_layer)
def lambda_handler(event, context):
    return {"order_id": event["order_id"], "execution": str(uuid.uuid4())}
