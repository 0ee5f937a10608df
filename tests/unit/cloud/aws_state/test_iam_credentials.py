"""IAM users' access keys found by id in moto's IAM state, with the secret a SigV4 verifier needs."""

from __future__ import annotations

from fogbank.cloud.aws_state.iam_credentials import find_access_key

from ..conftest import ACCOUNT, Clients


def test_an_active_key_is_found_with_its_secret_and_owner(aws: Clients) -> None:
    # GIVEN a user with a path and an access key
    iam = aws("iam")
    user = iam.create_user(UserName="alice", Path="/ops/")["User"]
    key = iam.create_access_key(UserName="alice")["AccessKey"]

    # WHEN the key is looked up by id
    found = find_access_key(key["AccessKeyId"])

    # THEN its secret, account and owner are those IAM gave
    assert found is not None
    assert found.secret_access_key == key["SecretAccessKey"]
    assert (found.account_id, found.user_id, found.user_arn) == (ACCOUNT, user["UserId"], user["Arn"])


def test_an_inactive_or_unknown_key_is_not_found(aws: Clients) -> None:
    # GIVEN a key that was made inactive
    iam = aws("iam")
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="bob", AccessKeyId=key, Status="Inactive")
    # WHEN it, and a key nobody issued, are looked up THEN neither is found (a signature with it must fail)
    assert find_access_key(key) is None
    assert find_access_key("AKIANEVERISSUED0000") is None
