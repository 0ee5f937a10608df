import asyncio

from aws_lambda_powertools import Tracer

tracer = Tracer()


@tracer.capture_method
async def async_get_users() -> list:
    await asyncio.sleep(0.05)
    return [{"id": 1, "name": "alice"}]


def lambda_handler(event, context):
    tracer.service = event["service"]
    return asyncio.run(async_get_users())
