"""The running endpoint refuses requests it cannot attribute, and still serves S3's unsigned ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from fogbank.cloud import LocalCloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def test_unsigned_garbage_post_is_refused_not_answered_by_a_default_service(cloud: LocalCloud) -> None:
    # GIVEN a running local cloud WHEN an unsigned POST / with a garbage body arrives
    answer = requests.post(cloud.endpoint + "/", data=b"\x00garbage", timeout=10)

    # THEN it is a 403 that says why, not S3's ListBuckets
    assert answer.status_code == 403
    assert "<Code>MissingAuthenticationToken</Code>" in answer.text
    assert "ListAllMyBucketsResult" not in answer.text


def test_presigned_and_path_style_s3_requests_still_work(cloud: LocalCloud) -> None:
    # GIVEN an object in a bucket
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="attributed")
    s3.put_object(Bucket="attributed", Key="a.txt", Body=b"hello")

    # WHEN it is read through a presigned URL, and anonymously by its path
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "attributed", "Key": "a.txt"})
    presigned = requests.get(url, timeout=10)
    anonymous = requests.get(cloud.endpoint + "/attributed/a.txt", timeout=10)

    # THEN S3 answers both (the object; S3's own answer for an anonymous read)
    assert presigned.status_code == 200 and presigned.content == b"hello"
    assert "MissingAuthenticationToken" not in anonymous.text
