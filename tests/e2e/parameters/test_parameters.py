import json

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="parameters")

# What infrastructure.py deploys (APPCONFIG_CONTENT and SSM_PARAMETER_VALUES there)
APPCONFIG_CONTENT = {"save_history": {"default": True}, "max_items": 25}
SSM_PARAMETER_VALUES = ("Lambda Powertools", "fogbank", "e2e")


@pytest.fixture
def ssm_get_parameters_by_name_fn_arn(infrastructure: dict) -> str:
    return infrastructure["ParameterSsmGetParametersByNameArn"]


@pytest.fixture
def appconfig_freeform_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["ParameterAppconfigFreeformHandlerArn"]


@pytest.fixture
def parameter_names(infrastructure: dict) -> list[str]:
    return infrastructure["ParameterNames"].split(",")


def test_get_parameters_by_name(ssm_get_parameters_by_name_fn_arn: str, parameter_names: list[str]):
    # GIVEN the names of the SSM parameters the stack created
    payload = json.dumps({"parameters": parameter_names})

    # WHEN the function fetches them all with get_parameters_by_name
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=ssm_get_parameters_by_name_fn_arn, payload=payload
    )

    # THEN each name maps to the value it was deployed with
    assert json.loads(response["Payload"].read()) == dict(
        zip(parameter_names, SSM_PARAMETER_VALUES, strict=False)
    )


def test_get_app_config_freeform(appconfig_freeform_handler_fn_arn: str, infrastructure: dict):
    # GIVEN the deployed AppConfig application, environment and freeform profile
    payload = json.dumps(
        {
            "application": infrastructure["AppConfigApplication"],
            "environment": infrastructure["AppConfigEnvironment"],
            "profile": infrastructure["AppConfigProfile"],
        }
    )

    # WHEN the function reads the configuration through the AppConfig data plane
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=appconfig_freeform_handler_fn_arn, payload=payload
    )

    # THEN it gets the hosted configuration version that was deployed
    assert json.loads(response["Payload"].read()) == APPCONFIG_CONTENT
