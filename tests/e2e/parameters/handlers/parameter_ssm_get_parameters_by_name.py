from aws_lambda_powertools.utilities.parameters.ssm import get_parameters_by_name


def lambda_handler(event, context):
    # {"/name": {}} asks for each parameter with the default options; one GetParameters call for all of them
    parameters = {name: {} for name in event["parameters"]}
    return get_parameters_by_name(parameters=parameters, max_age=0)
