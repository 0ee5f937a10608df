"""moto's serializer answers byte for byte the same with `possible_keys` remembering its attribute names."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import xmltodict
from dateutil.tz import tzoffset, tzutc
from moto.core.serialize import (
    DEFAULT_ALIAS_PROVIDERS,
    AttributePicker,
    AttributePickerContext,
    ExplicitAlias,
    TimestampSerializer,
    XFormedAttributePicker,
)
from werkzeug.test import Client, EnvironBuilder, TestResponse

from fogbank.cloud.aws_state import moto_serializer_cache
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

from ..conftest import Clients, zip_of

# sha256 of the source of `stood_in_for()` in moto 5.2.5 and xmltodict 1.0.4: a moto upgrade that changes it fails here first,
# and then possible_keys must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "1db7f2a6724f88e906e1925eb81e19ddde839aff563e66bed9a1ad08dbec0317"
TRUST = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
INLINE = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
_VOLATILE = re.compile(rb"(RequestId>|\"RequestId\": \"|<RequestID>)[A-Za-z0-9-]+", re.IGNORECASE)


def _signed(service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )


def _query(service: str, body: str) -> dict[str, Any]:
    return {
        "method": "POST",
        "path": "/",
        "data": body,
        "content_type": "application/x-www-form-urlencoded; charset=utf-8",
        "headers": {"Authorization": _signed(service)},
    }


def _json(service: str, target: str, body: dict[str, Any], version: str = "1.1") -> dict[str, Any]:
    return {
        "method": "POST",
        "path": "/",
        "data": json.dumps(body),
        "content_type": f"application/x-amz-json-{version}",
        "headers": {"Authorization": _signed(service), "X-Amz-Target": target},
    }


REQUESTS = {  # the request floor benchmark's operations, then a few more of other shapes
    "sts-get-caller-identity": _query("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
    "lambda-get-function-configuration": {
        "method": "GET",
        "path": "/2015-03-31/functions/fn/configuration",
        "headers": {"Authorization": _signed("lambda")},
    },
    "iam-get-role": _query("iam", "Action=GetRole&RoleName=role&Version=2010-05-08"),
    "ssm-get-parameter": _json("ssm", "AmazonSSM.GetParameter", {"Name": "p"}),
    "dynamodb-describe-table": _json(
        "dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": "t"}, "1.0"
    ),
    "s3-head-bucket": {"method": "HEAD", "path": "/bucket", "headers": {"Authorization": _signed("s3")}},
    "iam-list-roles": _query("iam", "Action=ListRoles&Version=2010-05-08"),
    "iam-get-role-policy": _query(
        "iam", "Action=GetRolePolicy&RoleName=role&PolicyName=inline&Version=2010-05-08"
    ),
    "lambda-list-functions": {
        "method": "GET",
        "path": "/2015-03-31/functions/",
        "headers": {"Authorization": _signed("lambda")},
    },
    "ec2-describe-vpcs": _query("ec2", "Action=DescribeVpcs&Version=2016-11-15"),
    "sqs-get-queue-attributes": _json(
        "sqs",
        "AmazonSQS.GetQueueAttributes",
        {"QueueUrl": "http://localhost/123456789012/q", "AttributeNames": ["All"]},
        "1.0",
    ),
    "dynamodb-missing-table": _json(
        "dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": "nothing"}, "1.0"
    ),
}


@pytest.fixture
def cloud(aws: Clients) -> Iterator[Client]:
    """moto state for every request in REQUESTS, and MotoDispatch over it."""
    role = aws("iam").create_role(RoleName="role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    aws("iam").put_role_policy(RoleName="role", PolicyName="inline", PolicyDocument=INLINE)
    aws("lambda").create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="h.h",
        Code={"ZipFile": zip_of({"h.py": "def h(event, context):\n    return 1\n"})},
    )
    aws("ssm").put_parameter(Name="p", Value="v", Type="String")
    aws("dynamodb").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws("s3").create_bucket(Bucket="bucket")
    aws("sqs").create_queue(QueueName="q")
    yield Client(MotoDispatch())


def _comparable(response: TestResponse) -> tuple[int, dict[str, str], bytes]:
    headers = {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower() not in ("x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "date")
    }
    return response.status_code, headers, _VOLATILE.sub(rb"\1<id>", response.get_data())


def _answer(client: Client, name: str, remembering: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    code = moto_serializer_cache.stood_in_for()
    keys = moto_serializer_cache.possible_keys if remembering else code[2]
    monkeypatch.setattr(XFormedAttributePicker, "get_possible_keys", keys)
    monkeypatch.setattr(AttributePicker, "__call__", moto_serializer_cache.pick if remembering else code[0])
    timestamps = moto_serializer_cache.timestamp_text if remembering else code[-7]
    monkeypatch.setattr(TimestampSerializer, "_convert_timestamp_to_str", timestamps)
    monkeypatch.setattr(
        xmltodict, "_validate_name", moto_serializer_cache.valid_name if remembering else code[-1]
    )
    return _comparable(client.open(EnvironBuilder(**REQUESTS[name])))


def test_installed_by_moto_dispatch_on_the_pinned_moto() -> None:
    # GIVEN MotoDispatch built (it installs moto's speedups)
    MotoDispatch()
    # THEN moto's picker remembers its possible keys, and xmltodict its valid names
    assert XFormedAttributePicker.get_possible_keys is moto_serializer_cache.possible_keys
    assert xmltodict._validate_name is moto_serializer_cache.valid_name


def test_the_moto_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN the moto code possible_keys remembers the answers of
    sources = "".join(inspect.getsource(code) for code in moto_serializer_cache.stood_in_for())
    # THEN it is exactly the code possible_keys was written against, the explicit alias asked first
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256
    assert DEFAULT_ALIAS_PROVIDERS[0] is ExplicitAlias


@pytest.mark.parametrize("name", list(REQUESTS))
def test_answers_are_byte_equal_with_and_without_remembering(
    cloud: Client, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN moto's state for the request
    # WHEN it is answered twice without and twice with remembered keys (the second fills nothing new)
    without = [_answer(cloud, name, False, monkeypatch) for _ in range(2)]
    with_ = [_answer(cloud, name, True, monkeypatch) for _ in range(2)]
    # THEN status, headers and body are the same every time (request ids and dates aside)
    assert with_ == without
    assert without[0] == without[1]


def test_possible_keys_match_moto_for_every_member_serialized(
    cloud: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a picker that asks both moto and possible_keys for every member and records any difference
    original = moto_serializer_cache.stood_in_for()[2]
    differences: list[tuple[str, list[str], list[str]]] = []
    asked = []

    def both(picker: Any, context: Any) -> Any:
        theirs, ours = (
            list(original(picker, context)),
            list(moto_serializer_cache.possible_keys(picker, context)),
        )
        asked.append(context.key)
        if theirs != ours:
            differences.append((context.key, theirs, ours))
        return ours

    monkeypatch.setattr(XFormedAttributePicker, "get_possible_keys", both)
    # WHEN every request is answered twice (once filling the cache, once from it)
    for name in REQUESTS:
        for _ in range(2):
            cloud.open(EnvironBuilder(**REQUESTS[name]))
    # THEN the names and their order never differ
    assert len(asked) > 100
    assert differences == []


def test_state_changes_show_in_the_next_answer(cloud: Client, aws: Clients) -> None:
    # GIVEN a parameter answered once with remembered keys
    request = REQUESTS["ssm-get-parameter"]
    assert b'"Value": "v"' in cloud.open(EnvironBuilder(**request)).get_data()
    # WHEN its value and the table's billing mode change
    aws("ssm").put_parameter(Name="p", Value="w", Type="String", Overwrite=True)
    aws("dynamodb").update_table(
        TableName="t",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )
    # THEN the next answers say so
    assert b'"Value": "w"' in cloud.open(EnvironBuilder(**request)).get_data()
    table = json.loads(cloud.open(EnvironBuilder(**REQUESTS["dynamodb-describe-table"])).get_data())["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3


@pytest.mark.parametrize("name", ["a b", "a/b", "?pi", "a=b", 7])
def test_an_invalid_xml_name_is_refused_every_time(name: Any) -> None:
    # GIVEN valid names remembered
    moto_serializer_cache.install()
    xmltodict.unparse({"Fine": {"Name": "x"}})
    # WHEN a document with an invalid element name is written, twice
    # THEN it is refused both times, as xmltodict refuses it
    for _ in range(2):
        with pytest.raises(ValueError, match="name"):
            xmltodict.unparse({"Root": {name: "x"}})


def test_pick_transforms_as_moto_for_every_member_serialized(
    cloud: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a picker call that asks both moto and pick for every member and records any difference
    original = moto_serializer_cache.stood_in_for()[0]
    differences: list[tuple[str, Any, Any]] = []
    transformed = []

    def both(picker: Any, context: Any) -> Any:
        theirs, ours = original(picker, context), moto_serializer_cache.pick(picker, context)
        if picker.response_transformers and theirs != original(
            AttributePicker(picker.alias_providers), context
        ):
            transformed.append(context.key)
        if theirs != ours:
            differences.append((context.key, theirs, ours))
        return ours

    monkeypatch.setattr(AttributePicker, "__call__", both)
    # WHEN every request is answered twice (IAM's with its response transformers)
    for name in REQUESTS:
        for _ in range(2):
            cloud.open(EnvironBuilder(**REQUESTS[name]))
    # THEN the values never differ, transformed ones included (GetRole's and GetRolePolicy's documents)
    assert {"AssumeRolePolicyDocument", "PolicyDocument"} <= set(transformed)
    assert differences == []


def _context(key: str, key_path: str) -> Any:
    return AttributePickerContext(
        obj={key: "a b"}, key=key, shape=None, operation_model=None, service_model=None, key_path=key_path
    )


def test_pick_follows_the_transformer_table_s_content() -> None:
    # GIVEN a transformer table answered once for a key path
    moto_serializer_cache.install()
    table: dict[str, Any] = {"Role.Doc": str.upper, "Doc": str.title}
    context = _context("Doc", "GetRoleResponse.Role")
    assert moto_serializer_cache.pick(AttributePicker(response_transformers=table), context) == "A B"
    # WHEN the table's first matching entry changes (moto builds a new picker per answer)
    table["Role.Doc"] = str.strip
    changed = moto_serializer_cache.pick(AttributePicker(response_transformers=table), context)
    # AND a path no entry ends gets no transform, a table of unhashable entries still works
    untouched = moto_serializer_cache.pick(
        AttributePicker(response_transformers=table), _context("Doc", "X.Y")
    )
    unhashable = {"Doc": _Upper()}
    odd = moto_serializer_cache.pick(AttributePicker(response_transformers=unhashable), context)
    # THEN each answer is the one moto's own picker gives
    assert changed == "a b"
    assert untouched == "A B"  # "Doc" still ends "X.Y.Doc": the title-casing entry applies
    assert odd == "A B"
    original = moto_serializer_cache.stood_in_for()[0]
    assert original(AttributePicker(response_transformers=table), context) == changed


class _Upper(dict):  # type: ignore[type-arg]
    """A transformer that cannot be hashed (a dict that is callable)."""

    def __call__(self, value: str) -> str:
        return value.upper()


_ZONES = [None, UTC, timezone(timedelta(hours=5, minutes=30)), tzutc(), tzoffset("X", -3600)]
_MOMENTS = [
    datetime(2026, 11, 29, 23, 40, 1, microsecond, tzinfo=zone, fold=fold)
    for microsecond in (0, 999, 123456)
    for zone in _ZONES
    for fold in (0, 1)
]


@pytest.mark.parametrize("timestamp_format", ["iso8601", "iso8601_zeroed", "unixtimestamp", "rfc822"])
def test_timestamps_are_written_as_moto_writes_them(timestamp_format: str) -> None:
    # GIVEN naive and aware datetimes (several zones, folds, sub-second parts), a string and a number
    moto_serializer_cache.install()
    original = moto_serializer_cache.stood_in_for()[-7]
    values: list[Any] = [*_MOMENTS, "2026-11-29T23:40:01Z", 1764459601]
    for serializer in (TimestampSerializer("iso8601"), TimestampSerializer("rfc822")):
        # WHEN each is written twice (the second time from what was remembered)
        ours = [
            [moto_serializer_cache.timestamp_text(serializer, v, timestamp_format) for v in values]
            for _ in "ab"
        ]
        # THEN every text is moto's own
        theirs = [original(serializer, v, timestamp_format) for v in values]
        assert ours == [theirs, theirs]
