"""A deployed GraphQL API's model: its AWS names (host, URL, ARN) and default authentication."""

from __future__ import annotations

from fogbank.cloud.appsync.model import GraphqlApiModel


def test_an_apis_names_are_appsyncs() -> None:
    # GIVEN an API with IAM first and API keys second
    api = GraphqlApiModel("abc123", "shop", "eu-west-1", "123456789012", auth_modes=("AWS_IAM", "API_KEY"))
    # THEN its host, URL and ARN are AppSync's, and the first auth mode is the default
    assert api.host == "abc123.appsync-api.eu-west-1.amazonaws.com"
    assert api.graphql_url == "https://abc123.appsync-api.eu-west-1.amazonaws.com/graphql"
    assert api.arn == "arn:aws:appsync:eu-west-1:123456789012:apis/abc123"
    assert api.default_auth_mode == "AWS_IAM"


def test_models_compare_without_their_lock() -> None:
    # GIVEN two models of the same API (each with its own lock)
    one = GraphqlApiModel("a", "n", "us-east-1", "1", auth_modes=("API_KEY",))
    two = GraphqlApiModel("a", "n", "us-east-1", "1", auth_modes=("API_KEY",))
    # THEN they are equal; a different auth mode makes them differ
    assert one == two and one.lock is not two.lock
    assert one != GraphqlApiModel("a", "n", "us-east-1", "1", auth_modes=("AWS_IAM",))
