"""A GraphQL API with direct Lambda resolvers written with Powertools' AppSyncResolver."""

import pytest

pytestmark = pytest.mark.xdist_group(name="appsync")


def test_query_with_variables_and_fragment(graphql):
    # GIVEN a post id in a variable and the fields in a fragment
    query = """
        query Get($id: ID!) { getPost(id: $id) { ...Fields } }
        fragment Fields on Post { id title createdAt }
    """

    # WHEN the query is sent with the API key
    status, body = graphql(query, {"id": "1"})

    # THEN Powertools' resolver answered the field
    assert status == 200
    assert body == {
        "data": {"getPost": {"id": "1", "title": "First post", "createdAt": "2026-11-29T12:00:00Z"}}
    }


def test_batch_resolver_answers_every_parent(graphql):
    # GIVEN posts whose related posts are resolved by a BatchInvoke resolver

    # WHEN the list and each post's related posts are asked for
    status, body = graphql("{ listPosts { id relatedPosts { id } } }")

    # THEN each post got its own related posts
    assert status == 200
    related = {post["id"]: [r["id"] for r in post["relatedPosts"]] for post in body["data"]["listPosts"]}
    assert related == {"1": ["2", "3"], "2": ["1"], "3": []}


def test_mutation_with_aws_scalars_and_selection_set(graphql):
    # GIVEN an AWSJSON argument
    mutation = 'mutation { createPost(title: "new", metadata: "{\\"tag\\": \\"x\\"}") { id title createdAt metadata } }'

    # WHEN the mutation runs
    status, body = graphql(mutation)

    # THEN the resolver got the parsed JSON and the selection set, and AWSJSON came back as a JSON string
    assert status == 200
    post = body["data"]["createPost"]
    assert post["title"] == "new" and post["createdAt"].endswith("Z")
    assert '"received":{"tag":"x"}' in post["metadata"].replace(" ", "")
    assert '"selection":["id","title","createdAt","metadata"]' in post["metadata"].replace(" ", "")


def test_resolver_error_keeps_partial_data(graphql):
    # GIVEN a field whose resolver raises, next to one that works

    # WHEN both are asked for
    status, body = graphql('{ broken: getPost(id: "boom") { id } ok: getPost(id: "2") { id } }')

    # THEN the failed field is null with AppSync's Lambda error, and the other field is there
    assert status == 200
    assert body["data"] == {"broken": None, "ok": {"id": "2"}}
    (error,) = body["errors"]
    assert error["errorType"] == "Lambda:Unhandled"
    assert error["message"] == "post boom cannot be read"
    assert error["path"] == ["broken"]


def test_iam_caller_is_the_identity(graphql):
    # GIVEN a SigV4-signed request (the additional AWS_IAM mode)

    # WHEN it asks for the field only IAM may read
    status, body = graphql("{ whoAmI }", auth="iam")

    # THEN the resolver saw the caller's identity
    assert status == 200
    assert body["data"]["whoAmI"].startswith("arn:aws:")


def test_unauthorized_requests_are_refused(graphql):
    # GIVEN requests without credentials, and with the API key for an IAM-only field

    # WHEN they are sent
    status, body = graphql("{ listPosts { id } }", auth="none")
    _, iam_only = graphql("{ whoAmI }")

    # THEN AppSync's error shapes come back
    assert status == 401
    assert body["errors"][0]["errorType"] == "UnauthorizedException"
    assert iam_only["data"] == {"whoAmI": None}
    assert iam_only["errors"][0]["errorType"] == "Unauthorized"
