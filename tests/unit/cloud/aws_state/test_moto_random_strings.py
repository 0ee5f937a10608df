"""random_string answers moto's `get_random_string` character for character and leaves the generator as moto would."""

from __future__ import annotations

import hashlib
import inspect
import random
import re

import pytest
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.moto_random import MotoRandom
from werkzeug.test import Client

from fogbank.cloud.aws_state import moto_random_strings
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

# sha256 of the source of `stood_in_for()` (moto 5.2.5, Python 3.11's random): a change fails here first, and
# then random_string must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "49a68d54e1562afed6723485d66dbc23dc7c94798b2f96c9248a126e7ff04fa2"
SHAPES = [(52, True, False), (20, True, False), (1, True, False), (0, True, False), (13, False, False),
          (40, True, True), (100, False, True)]  # fmt: skip


def test_the_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN moto's get_random_string and the standard library's choice it calls
    sources = "".join(inspect.getsource(code) for code in moto_random_strings.stood_in_for())
    # THEN they are exactly the code random_string was written against, choice drawing with getrandbits
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256
    assert MotoRandom._randbelow is random.Random._randbelow_with_getrandbits  # type: ignore[attr-defined]


@pytest.mark.parametrize(("length", "digits", "lower"), SHAPES)
def test_same_string_and_same_generator_state_as_moto(length: int, digits: bool, lower: bool) -> None:
    original = moto_random_strings.stood_in_for()[0]
    for seed in range(300):
        # GIVEN two generators seeded alike
        theirs, ours = MotoRandom(seed), MotoRandom(seed)
        # WHEN moto's code and random_string each draw a string
        expected = original(theirs, length, include_digits=digits, lower_case=lower)
        got = moto_random_strings.random_string(ours, length, include_digits=digits, lower_case=lower)
        # THEN the strings are equal and both generators are left in the same state
        assert got == expected
        assert ours.getstate() == theirs.getstate()


def test_a_seeded_moto_answers_the_request_id_it_answered_before() -> None:
    # GIVEN MotoDispatch built (it installs random_string on the pinned moto)
    dispatch = MotoDispatch()
    assert MotoRandom.get_random_string is moto_random_strings.random_string
    signature = "AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/sqs/aws4_request"
    form = {"Action": "ListQueues"}
    # WHEN moto's generator is seeded and a request answered
    mock_random.seed(42)
    answer = Client(dispatch).post("/", data=form, headers={"Authorization": signature})
    # THEN its request id is the one moto's own code draws after the same seed
    mock_random.seed(42)
    expected = moto_random_strings.stood_in_for()[0](mock_random, length=52)
    assert answer.headers["x-amzn-requestid"] == expected
    assert re.search(rb"<RequestId>" + expected.encode() + rb"</RequestId>", answer.get_data())
