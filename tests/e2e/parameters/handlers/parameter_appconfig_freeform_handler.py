from aws_lambda_powertools.utilities import parameters


def lambda_handler(event, context):
    return parameters.get_app_config(
        name=event["profile"],
        environment=event["environment"],
        application=event["application"],
        transform="json",
        max_age=0,
    )
