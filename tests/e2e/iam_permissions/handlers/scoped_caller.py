from aws_calls import run_calls


def lambda_handler(event, context):
    if "calls" not in event:  # invoked through API Gateway
        return {"statusCode": 200, "body": "invoked"}
    return run_calls(event)
