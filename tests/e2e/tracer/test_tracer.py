import json

import pytest

from fogbank import data_builder, data_fetcher

pytestmark = pytest.mark.xdist_group(name="tracer")

# Powertools names subsegments "## <handler name>" and "## <module>.<qualified name>",
# and stores responses as metadata "<name> response" under the service's namespace
HANDLER_SUBSEGMENT = "## lambda_handler"
HANDLER_METADATA_KEY = "lambda_handler response"


@pytest.fixture
def basic_handler_fn(infrastructure: dict) -> str:
    return infrastructure["BasicHandler"]


@pytest.fixture
def basic_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["BasicHandlerArn"]


@pytest.fixture
def same_function_name_fn(infrastructure: dict) -> str:
    return infrastructure["SameFunctionName"]


@pytest.fixture
def same_function_name_arn(infrastructure: dict) -> str:
    return infrastructure["SameFunctionNameArn"]


@pytest.fixture
def async_fn(infrastructure: dict) -> str:
    return infrastructure["AsyncCapture"]


@pytest.fixture
def async_fn_arn(infrastructure: dict) -> str:
    return infrastructure["AsyncCaptureArn"]


def test_lambda_handler_trace_is_visible(basic_handler_fn_arn: str, basic_handler_fn: str):
    # GIVEN an annotation and a metadata entry, unique to this test
    service = data_builder.build_service_name()
    annotation_value = data_builder.build_random_value()
    annotations = data_builder.build_put_annotations_input(order_status=annotation_value)
    metadata = data_builder.build_put_metadata_input(namespace=service, basket={"items": 3})
    method_subsegment = "## basic_handler.get_todos"
    method_metadata_key = "basic_handler.get_todos response"
    trace_query = data_builder.build_trace_default_query(function_name=basic_handler_fn)
    payload = json.dumps({"service": service, "annotations": annotations, "metadata": metadata})

    # WHEN the function is invoked twice
    _, execution_time = data_fetcher.get_lambda_response(lambda_arn=basic_handler_fn_arn, payload=payload)
    data_fetcher.get_lambda_response(lambda_arn=basic_handler_fn_arn, payload=payload)

    # THEN both traces have the handler and method subsegments with their metadata,
    # the annotations set by the code, and one cold start between them
    trace = data_fetcher.get_traces(
        start_date=execution_time, filter_expression=trace_query, minimum_traces=2
    )

    assert len(trace.get_subsegment(name=HANDLER_SUBSEGMENT)) == 2
    assert len(trace.get_subsegment(name=method_subsegment)) == 2
    assert len(trace.get_metadata(key=HANDLER_METADATA_KEY, namespace=service)) == 2
    assert len(trace.get_metadata(key=method_metadata_key, namespace=service)) == 2
    assert len(trace.get_metadata(key="basket", namespace=service)) == 2
    assert len(trace.get_annotation(key="order_status", value=annotation_value)) == 2
    assert len(trace.get_annotation(key="Service", value=service)) == 2
    assert len(trace.get_annotation(key="ColdStart", value=True)) == 1


def test_lambda_handler_trace_multiple_functions_same_name(
    same_function_name_arn: str, same_function_name_fn: str
):
    # GIVEN two classes, each with a captured method called get_all
    service = data_builder.build_service_name()
    comments_subsegment = "## same_function_name.Comments.get_all"
    todos_subsegment = "## same_function_name.Todos.get_all"
    trace_query = data_builder.build_trace_default_query(function_name=same_function_name_fn)

    # WHEN the function calls both
    _, execution_time = data_fetcher.get_lambda_response(
        lambda_arn=same_function_name_arn, payload=json.dumps({"service": service})
    )

    # THEN each method has its own subsegment and its own response metadata
    trace = data_fetcher.get_traces(start_date=execution_time, filter_expression=trace_query)

    assert len(trace.get_subsegment(name=comments_subsegment)) == 1
    assert len(trace.get_subsegment(name=todos_subsegment)) == 1
    comments_key = "same_function_name.Comments.get_all response"
    todos_key = "same_function_name.Todos.get_all response"
    [comments] = trace.get_metadata(key=comments_key, namespace=service)
    [todos] = trace.get_metadata(key=todos_key, namespace=service)
    assert comments[comments_key] == ["first comment", "second comment"]
    assert todos[todos_key] == ["first todo", "second todo"]


def test_async_trace_is_visible(async_fn_arn: str, async_fn: str):
    # GIVEN an async method captured by the tracer
    service = data_builder.build_service_name()
    async_subsegment = "## async_capture.async_get_users"
    trace_query = data_builder.build_trace_default_query(function_name=async_fn)

    # WHEN the handler runs it with asyncio
    _, execution_time = data_fetcher.get_lambda_response(
        lambda_arn=async_fn_arn, payload=json.dumps({"service": service})
    )

    # THEN the async method has a subsegment with its response as metadata
    trace = data_fetcher.get_traces(start_date=execution_time, filter_expression=trace_query)

    assert len(trace.get_subsegment(name=async_subsegment)) == 1
    users_key = "async_capture.async_get_users response"
    [users] = trace.get_metadata(key=users_key, namespace=service)
    assert users[users_key] == [{"id": 1, "name": "alice"}]
