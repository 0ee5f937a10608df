"""Principals: the ARN, user id and role each kind of caller has on AWS."""

from __future__ import annotations

from fogbank.cloud.iam.principals import Principal


def test_an_assumed_role_session_names_its_session_and_its_role() -> None:
    # GIVEN a function's session of a role with a path
    principal = Principal.assumed_role("123456789012", "AROAEXAMPLE", "Worker", "my-fn", role_path="/app/")
    # THEN the session ARN is STS's, the role ARN (which policies name) keeps the path, and userid is AWS's
    assert principal.arn == "arn:aws:sts::123456789012:assumed-role/Worker/my-fn"
    assert principal.role_arn == "arn:aws:iam::123456789012:role/app/Worker"
    assert principal.user_id == "AROAEXAMPLE:my-fn"
    assert principal.username is None


def test_a_user_has_its_path_in_its_arn_and_a_username() -> None:
    # GIVEN IAM users with and without a path
    plain = Principal.user("123456789012", "AIDAEXAMPLE", "alice")
    pathed = Principal.user("123456789012", "AIDAEXAMPLE", "bob", path="/ops/")
    # THEN the ARNs are IAM's and only users have aws:username; they have no role
    assert plain.arn == "arn:aws:iam::123456789012:user/alice"
    assert pathed.arn == "arn:aws:iam::123456789012:user/ops/bob"
    assert plain.username == "alice" and plain.role_arn is None


def test_the_administrator_root_and_a_service() -> None:
    # GIVEN the test process, the account root and a service acting for a resource
    admin = Principal.admin("123456789012")
    root = Principal.root("123456789012")
    service = Principal.service_principal("apigateway.amazonaws.com", "123456789012")
    # THEN admin and root both carry the root ARN but stay different kinds; a service is named by its host
    assert admin.arn == root.arn == admin.account_root_arn == "arn:aws:iam::123456789012:root"
    assert (admin.kind, root.kind) == ("admin", "root")
    assert (service.arn, service.service, service.kind) == ("apigateway.amazonaws.com",) * 2 + ("service",)


def test_each_account_has_one_administrator() -> None:
    # GIVEN the administrator asked for twice in one account, once in another
    first, again, other = (Principal.admin(a) for a in ("123456789012", "123456789012", "210987654321"))
    # THEN the same account answers the same (immutable) principal, another account its own
    assert again is first
    assert other.account_id == "210987654321" and other.arn == "arn:aws:iam::210987654321:root"
