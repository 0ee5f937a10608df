"""Status codes chosen by the handler, a resolver's 404, and a response without a body, on each front door."""

import pytest

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="event_handler")


@pytest.mark.parametrize("door", ["alb", "rest", "http", "url"])
@pytest.mark.parametrize("status_code", [201, 202, 400, 418])
def test_status_code_from_handler(send_any_status, door_request, door: str, status_code: int):
    # GIVEN a handler answering with the status code the request asks for
    body = {"body": f"answered with {status_code}", "status_code": status_code}
    request = door_request(door, "POST", "todos", json=body)

    # WHEN
    response = send_any_status(request)

    # THEN that status code and body reach the client unchanged
    assert response.status_code == status_code
    assert response.text == f"answered with {status_code}"


@pytest.mark.parametrize("door", ["alb", "url"])
def test_unknown_route_is_the_resolvers_404(send_any_status, door_request, door: str):
    # GIVEN a front door that forwards every path to the function, and a path no route declares
    request = door_request(door, "GET", "no-such-route")

    # WHEN
    response = send_any_status(request)

    # THEN the resolver answers 404
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "Not found"}


@pytest.mark.parametrize("door", ["alb", "rest", "http", "url"])
def test_response_without_body(door_request, door: str):
    # GIVEN a route answering with no body and no content type
    request = door_request(door, "GET", "empty")

    # WHEN
    response = data_fetcher.get_http_response(request)

    # THEN the front door accepts it and the client gets an empty 200
    assert response.status_code == 200
    assert response.content == b""
