import routes
from aws_lambda_powertools.event_handler import CORSConfig, LambdaFunctionUrlResolver

app = routes.register(LambdaFunctionUrlResolver(cors=CORSConfig(allow_origin="https://app.example")))


def handler(event, context):
    return app.resolve(event, context)
