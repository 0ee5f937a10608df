from aws_lambda_powertools import Tracer

tracer = Tracer()


class Comments:
    @tracer.capture_method
    def get_all(self) -> list:
        return ["first comment", "second comment"]


class Todos:
    @tracer.capture_method
    def get_all(self) -> list:
        return ["first todo", "second todo"]


@tracer.capture_lambda_handler
def lambda_handler(event, context):
    tracer.service = event["service"]
    return {"comments": Comments().get_all(), "todos": Todos().get_all()}
