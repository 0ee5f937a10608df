"""The policies IAM evaluation reads out of moto's state: identities', and resources' own policies."""

from __future__ import annotations

import base64
import json

from fogbank.cloud.aws_state.iam_policies import (
    bucket_owner,
    bucket_policy,
    function_policy,
    key_policy,
    kms_key_arn,
    kms_key_of_ciphertext,
    queue_policy,
    role_facts,
    role_policies,
    secret_arn,
    secret_policy,
    topic_policy,
    user_policies,
)

from ..conftest import ACCOUNT, Clients, lambda_role, zip_of

ALLOW_LOGS = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
)


def test_a_roles_facts_and_its_inline_and_managed_policies(aws: Clients) -> None:
    # GIVEN a role with a path, an inline policy and a customer-managed policy with two versions
    iam = aws("iam")
    role_arn = lambda_role(aws, "Worker")
    iam.put_role_policy(RoleName="Worker", PolicyName="logs", PolicyDocument=ALLOW_LOGS)
    managed = iam.create_policy(PolicyName="m", PolicyDocument=ALLOW_LOGS)["Policy"]["Arn"]
    newer = ALLOW_LOGS.replace("logs:*", "s3:*")
    iam.create_policy_version(PolicyArn=managed, PolicyDocument=newer, SetAsDefault=True)
    iam.attach_role_policy(RoleName="Worker", PolicyArn=managed)

    # WHEN its facts and policies are read
    facts = role_facts(ACCOUNT, "Worker")
    policies = dict(role_policies(ACCOUNT, "Worker"))

    # THEN the facts are IAM's, and the managed policy's document is its default version's
    assert facts is not None and (facts.arn, facts.path) == (role_arn, "/")
    assert facts.role_id.startswith("AROA") and "lambda.amazonaws.com" in facts.trust_policy
    assert json.loads(policies["inline:logs"])["Statement"][0]["Action"] == "logs:*"
    assert json.loads(policies[managed])["Statement"][0]["Action"] == "s3:*"
    # AND a role that does not exist has no facts and no policies
    assert role_facts(ACCOUNT, "Ghost") is None and role_policies(ACCOUNT, "Ghost") == []


def test_a_users_policies_include_its_groups(aws: Clients) -> None:
    # GIVEN a user with an inline policy, in a group with one
    iam = aws("iam")
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=ALLOW_LOGS)
    iam.create_group(GroupName="devs")
    iam.put_group_policy(GroupName="devs", PolicyName="team", PolicyDocument=ALLOW_LOGS)
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.create_user(UserName="bob")

    # THEN alice gets both; bob, in no group, none; an unknown user none
    assert [name for name, _ in user_policies(ACCOUNT, "alice")] == ["inline:own", "inline:team"]
    assert user_policies(ACCOUNT, "bob") == [] and user_policies(ACCOUNT, "ghost") == []


def test_bucket_owner_and_policy(aws: Clients) -> None:
    # GIVEN a bucket with a policy and one without
    s3 = aws("s3")
    s3.create_bucket(Bucket="with-policy")
    s3.create_bucket(Bucket="plain")
    document = json.dumps(
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
    )
    s3.put_bucket_policy(Bucket="with-policy", Policy=document)
    # THEN the policy is read back as text, a bucket without one has None, and the owner is the account
    assert json.loads(bucket_policy(ACCOUNT, "with-policy") or "{}")["Statement"][0]["Effect"] == "Deny"
    assert bucket_policy(ACCOUNT, "plain") is None and bucket_policy(ACCOUNT, "missing") is None
    assert bucket_owner("plain") == ACCOUNT and bucket_owner("missing") == ACCOUNT


def test_kms_keys_by_any_id_by_ciphertext_and_their_policy(aws: Clients) -> None:
    # GIVEN a key with an alias, and a ciphertext it made
    kms = aws("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    blob = base64.b64encode(kms.encrypt(KeyId="alias/app", Plaintext=b"secret")["CiphertextBlob"]).decode()

    # THEN the key ARN is found from its id, its ARN, the alias name and the alias ARN, and from the ciphertext
    alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"
    for key_id in (key["KeyId"], key["Arn"], "alias/app", alias_arn):
        assert kms_key_arn("us-east-1", ACCOUNT, key_id) == key["Arn"], key_id
    assert kms_key_of_ciphertext("us-east-1", ACCOUNT, blob) == key["Arn"]
    # AND unknown ids or a blob that is not a ciphertext find nothing; the default key policy is there
    assert kms_key_arn("us-east-1", ACCOUNT, "alias/nope") is None
    assert kms_key_of_ciphertext("us-east-1", ACCOUNT, "not base64!") is None
    assert "kms:*" in (key_policy("us-east-1", ACCOUNT, key["Arn"]) or "")


def test_queue_topic_secret_and_function_policies(aws: Clients) -> None:
    # GIVEN a queue with a policy, a topic, a secret with a policy, and a function with a permission
    queue_document = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}
    )
    aws("sqs").create_queue(QueueName="jobs", Attributes={"Policy": queue_document})
    aws("sqs").create_queue(QueueName="open")
    topic = aws("sns").create_topic(Name="alerts")["TopicArn"]
    secrets = aws("secretsmanager")
    secret = secrets.create_secret(Name="db", SecretString="x")["ARN"]
    secrets.put_resource_policy(SecretId="db", ResourcePolicy=queue_document.replace("sqs", "secretsmanager"))
    aws("lambda").create_function(
        FunctionName="fn",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="app.handler",
        Code={"ZipFile": zip_of({"app.py": "def handler(e, c): return e"})},
    )
    function_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"

    # THEN each policy is read from the service's state; a resource without one has None
    assert json.loads(queue_policy("us-east-1", ACCOUNT, "jobs") or "{}")["Statement"][0]["Action"] == "sqs:*"
    assert queue_policy("us-east-1", ACCOUNT, "open") is None
    default_topic_policy = json.loads(topic_policy("us-east-1", ACCOUNT, topic) or "{}")
    assert default_topic_policy["Statement"][0]["Resource"] == topic
    assert secret_arn("us-east-1", ACCOUNT, "db") == secret
    assert "secretsmanager:*" in (secret_policy("us-east-1", ACCOUNT, secret) or "")
    assert secret_arn("us-east-1", ACCOUNT, "nope") is None
    assert function_policy("us-east-1", ACCOUNT, function_arn) is None
    aws("lambda").add_permission(
        FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"
    )
    statement = json.loads(function_policy("us-east-1", ACCOUNT, function_arn) or "{}")["Statement"][0]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
