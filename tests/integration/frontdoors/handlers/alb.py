import routes
from aws_lambda_powertools.event_handler import ALBResolver

app = routes.register(ALBResolver())


def handler(event, context):
    return app.resolve(event, context)
