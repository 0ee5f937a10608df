"""The Service Authorization Reference dataset: actions as AWS spells them, with their resource types."""

from __future__ import annotations

from fogbank.cloud.iam.catalog import action_info, dataset_version, has_service


def test_an_action_is_found_case_insensitively_with_its_resource_types() -> None:
    # WHEN actions are looked up in any case
    put_item, get_object = action_info("dynamodb", "putitem"), action_info("s3", "GETOBJECT")
    # THEN they are spelt as AWS does, with their resource types' ARN templates and whether one is required
    assert put_item is not None and put_item.action == "dynamodb:PutItem"
    assert [(t.name, t.required) for t in put_item.resource_types] == [("table", True)]
    assert put_item.resource_types[0].arn_template == (
        "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    )
    # AND an action granted on either of two types (an object, or an object through an access point) needs
    # neither one in particular
    assert get_object is not None and get_object.action == "s3:GetObject"
    types = {t.name: t for t in get_object.resource_types}
    assert types["object"].arn_template == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert not types["object"].required and not types["accesspointobject"].required


def test_an_action_without_resource_types_and_unknown_actions() -> None:
    # GIVEN an action that takes no resource (it is granted on "*")
    info = action_info("sts", "GetCallerIdentity")
    # THEN it has no resource types; an unknown action or service is None
    assert info is not None and info.resource_types == ()
    assert action_info("s3", "NoSuchAction") is None
    assert action_info("nosuchservice", "GetObject") is None


def test_services_and_the_dataset_version() -> None:
    # THEN the prefixes of the services fogbank serves are known, and the dataset says which version it is
    assert all(has_service(prefix) for prefix in ("s3", "dynamodb", "lambda", "sqs", "kms", "logs"))
    assert not has_service("nosuchservice")
    assert dataset_version() not in ("", "unknown")
