"""Resource ARNs filled from a request: the dataset's ARN templates, each variable from its parameter."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.iam.resources import NO_LOOKUP, fill

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1111-2222"


class _DictLookup:
    """What the service state answers, from dicts (the real one reads aws_state; here only the mapping matters)."""

    def kms_key_arn(self, region: str, account_id: str, key_id: str) -> str | None:
        return {"alias/app": KEY, "1111-2222": KEY}.get(key_id)

    def kms_key_of_ciphertext(self, region: str, account_id: str, blob: str) -> str | None:
        return KEY if blob == "c2VjcmV0" else None

    def secret_arn(self, region: str, account_id: str, secret_id: str) -> str | None:
        return f"arn:aws:secretsmanager:{region}:{account_id}:secret:{secret_id}-AbCdEf"


@pytest.mark.parametrize(
    ("template", "params", "arn"),
    [
        (
            "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
            {"TableName": "Orders"},
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders",
        ),
        (
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            {"Bucket": "b", "Key": "a/b.txt"},
            "arn:aws:s3:::b/a/b.txt",
        ),
        (
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            {"QueueUrl": f"http://127.0.0.1:4566/{ACCOUNT}/jobs/"},
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs",
        ),
        (
            "arn:${Partition}:sns:${Region}:${Account}:${TopicName}",
            {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"},
            f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
        ),
        (
            "arn:${Partition}:sns:${Region}:${Account}:${TopicName}",
            {"SubscriptionArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts:0b1c"},
            f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
        ),
        (
            "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}",
            {"Name": "/app/db/url"},
            f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/db/url",
        ),
        (
            "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}",
            {"Name": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/x"},
            f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/x",
        ),
        (
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            {"FunctionName": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn:live"},
            f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn:live",
        ),
        (
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            {"FunctionName": f"{ACCOUNT}:function:fn"},
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn",
        ),
        (
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            {"FunctionName": "fn", "Qualifier": "3"},
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn:3",
        ),
    ],
)
def test_variables_come_from_the_requests_parameters(template: str, params: dict[str, Any], arn: str) -> None:
    # WHEN a template is filled from a request to us-east-1
    # THEN each variable comes from its parameter (or the parameter it is spelt as), shaped as IAM expects
    assert fill(template, params, "us-east-1", ACCOUNT, NO_LOOKUP) == arn


def test_a_variable_the_request_does_not_carry_leaves_no_arn() -> None:
    # WHEN the request does not name the table / THEN no ARN is made (the caller decides what that means)
    assert (
        fill(
            "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
            {},
            "us-east-1",
            ACCOUNT,
            NO_LOOKUP,
        )
        is None
    )
    assert (
        fill(
            "arn:aws:dynamodb:${Region}:${Account}:table/${TableName}",
            {"TableName": ""},
            "r",
            ACCOUNT,
            NO_LOOKUP,
        )
        is None
    )


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"KeyId": "alias/app"}, "1111-2222"),
        ({"TargetKeyId": KEY}, "1111-2222"),
        ({"KeyId": "3333-4444"}, "3333-4444"),
        ({"CiphertextBlob": "c2VjcmV0"}, "1111-2222"),
        ({"KeyId": "alias/unknown"}, None),
        ({"CiphertextBlob": "other"}, None),
    ],
)
def test_kms_keys_are_found_by_alias_arn_id_or_ciphertext(params: dict[str, Any], key: str | None) -> None:
    # WHEN a KMS key is named by alias, ARN, bare id or only by the ciphertext it made
    arn = fill(
        "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", params, "us-east-1", ACCOUNT, _DictLookup()
    )
    # THEN the key id comes from the state where needed; an alias the state does not know makes no ARN
    assert arn == (None if key is None else f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key}")


def test_a_secret_named_by_name_gets_its_arn_suffix_from_the_state() -> None:
    # GIVEN the ARN template of Secrets Manager
    template = "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}"
    # WHEN a secret is named by name, or by its full ARN
    by_name = fill(template, {"SecretId": "db"}, "us-east-1", ACCOUNT, _DictLookup())
    by_arn = fill(
        template,
        {"SecretId": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-XyZ"},
        "us-east-1",
        ACCOUNT,
        NO_LOOKUP,
    )
    # THEN both carry the random suffix AWS adds to secret ARNs; without state the name is used as it is
    assert by_name == f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"
    assert by_arn == f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-XyZ"
    assert (
        fill(template, {"SecretId": "db"}, "us-east-1", ACCOUNT, NO_LOOKUP)
        == f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db"
    )


OTHER = "210987654321"


@pytest.mark.parametrize(
    ("template", "params", "arn"),
    [
        (  # a function of another region and account, by ARN, with the qualifier apart
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            {"FunctionName": f"arn:aws:lambda:eu-west-1:{OTHER}:function:fn", "Qualifier": "live"},
            f"arn:aws:lambda:eu-west-1:{OTHER}:function:fn:live",
        ),
        (  # a function of another account, by partial ARN (no region in it: the request's)
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            {"FunctionName": f"{OTHER}:function:fn", "Qualifier": "2"},
            f"arn:aws:lambda:us-east-1:{OTHER}:function:fn:2",
        ),
        (  # a topic of another region, named by a subscription's ARN
            "arn:${Partition}:sns:${Region}:${Account}:${TopicName}",
            {"SubscriptionArn": f"arn:aws:sns:ap-south-1:{OTHER}:alerts:0b1c"},
            f"arn:aws:sns:ap-south-1:{OTHER}:alerts",
        ),
        (  # a queue of another region and account, by its URL on AWS
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            {"QueueUrl": f"https://sqs.eu-central-1.amazonaws.com/{OTHER}/jobs"},
            f"arn:aws:sqs:eu-central-1:{OTHER}:jobs",
        ),
        (  # the same by its legacy URL
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            {"QueueUrl": f"https://eu-central-1.queue.amazonaws.com/{OTHER}/jobs"},
            f"arn:aws:sqs:eu-central-1:{OTHER}:jobs",
        ),
        (  # a queue of another account on the local cloud (its URL names no region)
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            {"QueueUrl": f"http://127.0.0.1:4566/{OTHER}/jobs"},
            f"arn:aws:sqs:us-east-1:{OTHER}:jobs",
        ),
        (  # a secret of another region, by ARN
            "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
            {"SecretId": f"arn:aws:secretsmanager:eu-west-2:{OTHER}:secret:db-XyZ"},
            f"arn:aws:secretsmanager:eu-west-2:{OTHER}:secret:db-XyZ",
        ),
    ],
)
def test_region_and_account_are_those_of_the_resource_the_request_names(
    template: str, params: dict[str, Any], arn: str
) -> None:
    # WHEN a request to us-east-1 from ACCOUNT names its resource by an ARN or URL of another region or account
    # THEN the ARN IAM evaluates is that resource's, as on AWS (a policy on the request's region would not match)
    assert fill(template, params, "us-east-1", ACCOUNT, NO_LOOKUP) == arn


def test_a_kms_alias_of_another_region_is_looked_up_in_that_region() -> None:
    # GIVEN the state of eu-west-1 only knows the alias
    class _RegionalLookup(_DictLookup):
        def kms_key_arn(self, region: str, account_id: str, key_id: str) -> str | None:
            found = f"arn:aws:kms:{region}:{account_id}:key/5555-6666"
            alias = f"arn:aws:kms:eu-west-1:{OTHER}:alias/app"
            return found if (region, account_id, key_id) == ("eu-west-1", OTHER, alias) else None

    # WHEN a request to us-east-1 names it by its alias ARN
    params = {"KeyId": f"arn:aws:kms:eu-west-1:{OTHER}:alias/app"}
    arn = fill(
        "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
        params,
        "us-east-1",
        ACCOUNT,
        _RegionalLookup(),
    )

    # THEN the key is found where the alias is, and its ARN is that region's
    assert arn == f"arn:aws:kms:eu-west-1:{OTHER}:key/5555-6666"
