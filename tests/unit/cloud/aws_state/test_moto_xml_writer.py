"""unparse writes what xmltodict writes, byte for byte, or lets xmltodict answer (and raise) itself."""

from __future__ import annotations

import hashlib
import inspect
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.moto_api._internal import mock_random
from werkzeug.test import Client, EnvironBuilder

from fogbank.cloud.aws_state import moto_serializer_cache, moto_xml_writer
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

from ..conftest import Clients

# sha256 of the source of `stood_in_for()` (xmltodict 1.0.4, Python 3.11's xml.sax.saxutils): a change fails
# here first, and then unparse must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "46164e5e55c069cdb306ad7422311ff782e42febd00a4ab6208dc3feb671bec7"
_NAMES = ["A", "b", "Item", "member", "é", "ns:x", "x y", "?p", "a=b", "", "#text", "#comment", "@attr",
          "@xmlns", "@bad name", "@"]  # fmt: skip
_TEXTS = ["", "a&b<c>d", "'\"", "\n\t\r", "plain"]
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.sampled_from(_TEXTS),
    st.binary(max_size=3),
)  # fmt: skip
_trees = st.recursive(
    _scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.tuples(kids),
        st.dictionaries(st.sampled_from(_NAMES), kids, max_size=4),
        st.dictionaries(st.sampled_from(_NAMES), kids, max_size=3).map(OrderedDict),
    ),
    max_leaves=14,
)


def _outcome(unparse: Any, document: Any, **options: Any) -> tuple[Any, ...]:
    try:
        return ("answer", unparse(document, **options))
    except Exception as exc:  # the exception is the outcome compared
        return ("raised", type(exc), str(exc))


@pytest.fixture
def xmltodict_unparse() -> Iterator[Any]:
    moto_serializer_cache.install()  # the element names are checked as in the cloud: remembered
    moto_xml_writer.install()
    yield moto_xml_writer.stood_in_for()[0]


def test_the_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN xmltodict's unparse and the XMLGenerator methods it writes with
    sources = "".join(inspect.getsource(code) for code in moto_xml_writer.stood_in_for())
    # THEN they are exactly the code unparse was written against
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256


def test_installed_by_moto_dispatch() -> None:
    # GIVEN MotoDispatch built (it installs moto's speedups)
    MotoDispatch()
    # THEN xmltodict's unparse is this one
    assert xmltodict.unparse is moto_xml_writer.unparse


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    document=st.dictionaries(st.sampled_from(_NAMES), _trees, max_size=3),
    full_document=st.booleans(),
    short_empty_elements=st.booleans(),
    extra=st.sampled_from([{}, {"pretty": False}, {"pretty": True}]),
)
def test_same_answer_or_same_error_as_xmltodict(
    xmltodict_unparse: Any, document: Any, full_document: bool, short_empty_elements: bool, extra: Any
) -> None:
    # GIVEN any document of dicts, lists, tuples and scalars, valid names and invalid ones
    options = {"full_document": full_document, "short_empty_elements": short_empty_elements, **extra}
    # WHEN xmltodict and unparse write it
    theirs = _outcome(xmltodict_unparse, document, **options)
    ours = _outcome(moto_xml_writer.unparse, document, **options)
    # THEN both write the same characters, or both raise the same error
    assert ours == theirs


@pytest.mark.parametrize(
    ("document", "options", "expected"),
    [
        ({"R": {"A": ""}}, {"full_document": False, "short_empty_elements": True}, "<R><A/></R>"),
        ({"R": {"A": ""}}, {"full_document": False}, "<R><A></A></R>"),
        ({"R": {"@k": "a\"'\n", "#text": "x&y"}}, {}, '<?xml version="1.0" encoding="utf-8"?>\n'
         '<R k="a&quot;\'&#10;">x&amp;y</R>'),
        ({"R": {"A": [1, 2.5, False, None], "E": []}}, {"full_document": False, "short_empty_elements": True},
         "<R><A>1</A><A>2.5</A><A>false</A><A/></R>"),
    ],
)  # fmt: skip
def test_writes_moto_s_shapes(document: Any, options: Any, expected: str) -> None:
    # GIVEN the shapes moto's serializer hands xmltodict
    # WHEN unparse writes them
    # THEN the text is xmltodict's (spelled out here, and compared with xmltodict's own)
    assert moto_xml_writer.unparse(document, **options) == expected
    assert moto_xml_writer.stood_in_for()[0](document, **options) == expected


def test_refuses_what_xmltodict_refuses() -> None:
    # GIVEN documents xmltodict refuses (two roots, a bad element name) and one only it writes (a generator)
    # WHEN unparse writes them
    # THEN the same errors are raised, and xmltodict writes what it alone handles
    with pytest.raises(ValueError, match="exactly one root"):
        moto_xml_writer.unparse({"A": "1", "B": "2"})
    with pytest.raises(ValueError, match="whitespace"):
        moto_xml_writer.unparse({"A": {"b c": "1"}}, full_document=False)
    assert moto_xml_writer.unparse({"A": (x for x in "ab")}, full_document=False) == "<A>a</A><A>b</A>"


@pytest.mark.parametrize(
    ("service", "form"),
    [
        ("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
        ("iam", "Action=GetRole&RoleName=role&Version=2010-05-08"),
        ("iam", "Action=GetRole&RoleName=missing&Version=2010-05-08"),
        ("ec2", "Action=DescribeVpcs&Version=2016-11-15"),
        ("sqs", "Action=ListQueues&Version=2012-11-05"),
    ],
)
def test_moto_answers_are_byte_equal(
    aws: Clients, service: str, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN moto's state (a role, a queue) and its generator seeded before each answer
    aws("iam").create_role(RoleName="role", AssumeRolePolicyDocument='{"Statement":[]}')
    aws("sqs").create_queue(QueueName="q")
    client = Client(MotoDispatch())
    signature = f"AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/{service}/aws4_request"
    request = {
        "method": "POST",
        "path": "/",
        "data": form,
        "content_type": "application/x-www-form-urlencoded; charset=utf-8",
        "headers": {"Authorization": signature},
    }
    client.open(EnvironBuilder(**request))  # what a first request sets up (EC2's default VPC) is set up
    answers = []
    for unparse in (moto_xml_writer.stood_in_for()[0], moto_xml_writer.unparse):
        # WHEN the request is answered with xmltodict's unparse, then with this one
        monkeypatch.setattr(xmltodict, "unparse", unparse)
        mock_random.seed(7)
        response = client.open(EnvironBuilder(**request))
        answers.append((response.status_code, sorted(response.headers.items()), response.get_data()))
    # THEN status, headers and body are the same bytes, request ids included
    assert answers[0] == answers[1]
    assert b"<" in answers[0][2]
