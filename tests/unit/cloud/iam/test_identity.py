"""The credential directory: who is behind an access key, and the role sessions functions get."""

from __future__ import annotations

from fogbank.cloud.iam.identity import CredentialDirectory, role_name_of

from ..conftest import ACCOUNT, Clients, lambda_role


def test_a_functions_environment_holds_a_session_of_its_role_named_after_it(aws: Clients) -> None:
    # GIVEN a role with a path
    trust = '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    role = aws("iam").create_role(RoleName="Worker", Path="/app/", AssumeRolePolicyDocument=trust)["Role"]
    directory = CredentialDirectory(ACCOUNT)

    # WHEN a function's environment is made twice
    env = directory.function_environment("my-fn", role["Arn"], "us-east-1")
    again = directory.function_environment("my-fn", role["Arn"], "us-east-1")

    # THEN it holds Lambda's three credential variables, and the session is reused while it is fresh
    assert sorted(env) == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    assert again == env
    # AND its key stands for the role's session, with the role's id and path, for the function
    issued = directory.issued(env["AWS_ACCESS_KEY_ID"])
    assert issued is not None and issued.function_name == "my-fn"
    principal = issued.principal
    assert principal.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/my-fn"
    assert principal.role_arn == f"arn:aws:iam::{ACCOUNT}:role/app/Worker"
    assert principal.user_id == f"{role['RoleId']}:my-fn"
    # AND the SigV4 verifier gets the secret, the token and the caller
    secret, token, caller = directory.signer_lookup(env["AWS_ACCESS_KEY_ID"]) or ("", None, None)
    assert (secret, token) == (env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])
    assert caller is not None and (caller.user_arn, caller.user_id) == (principal.arn, principal.user_id)


def test_an_assume_role_session_and_a_users_key_are_found_too(aws: Clients) -> None:
    # GIVEN a session made by STS AssumeRole and an IAM user's access key
    role_arn = lambda_role(aws, "Deployer")
    assumed = aws("sts").assume_role(RoleArn=role_arn, RoleSessionName="ci")["Credentials"]
    aws("iam").create_user(UserName="alice", Path="/ops/")
    user_key = aws("iam").create_access_key(UserName="alice")["AccessKey"]
    directory = CredentialDirectory(ACCOUNT)

    # THEN each key's principal is the one AWS would name
    assert (
        directory.principal_for(assumed["AccessKeyId"]).arn
        == f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci"
    )
    alice = directory.principal_for(user_key["AccessKeyId"])
    assert (alice.kind, alice.arn, alice.username) == (
        "user",
        f"arn:aws:iam::{ACCOUNT}:user/ops/alice",
        "alice",
    )


def test_any_other_key_is_the_accounts_administrator(aws: Clients) -> None:
    # WHEN the test process's own key is looked up
    directory = CredentialDirectory(ACCOUNT)
    # THEN it was not issued by the cloud, has no signer entry, and acts as the administrator
    assert directory.issued("testing") is None and directory.signer_lookup("testing") is None
    assert directory.principal_for("testing").kind == "admin"


def test_role_name_of_an_arn_with_a_path() -> None:
    assert role_name_of("arn:aws:iam::1:role/path/to/Name") == "Name"
    assert role_name_of("arn:aws:iam::1:role/Name") == "Name"
