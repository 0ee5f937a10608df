from aws_lambda_powertools import Tracer

tracer = Tracer()


@tracer.capture_method
def get_todos(annotations: list, metadata: list) -> dict:
    for annotation in annotations:
        tracer.put_annotation(**annotation)
    for item in metadata:
        tracer.put_metadata(**item)
    return {"todos": ["buy milk", "write tests"]}


@tracer.capture_lambda_handler
def lambda_handler(event, context):
    tracer.service = event["service"]
    return get_todos(event.get("annotations", []), event.get("metadata", []))
