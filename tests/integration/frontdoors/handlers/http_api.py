import routes
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

app = routes.register(APIGatewayHttpResolver())


def handler(event, context):
    return app.resolve(event, context)
