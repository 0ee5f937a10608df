import routes
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

# an HTTP API route with payload format 1.0 sends REST-shaped (v1) events
app = routes.register(APIGatewayRestResolver(strip_prefixes=["/v1"]))


def handler(event, context):
    return app.resolve(event, context)
