"""One authorization per request: who signed it, what it needs, what the policies say, and the answer.

`Authorizer.authorize(request)` returns None to let the request through, or the AWS error to answer
with (a bad signature of a cloud-issued key, or an AccessDenied in enforce mode). In warn mode a denial
is recorded instead; an operation the dataset cannot map is recorded as "not checked". Both also go to
the calling function's log when a function made the request.

Example (a function's session, whose role R has no policy, signs an SQS ListQueues):
    >>> from botocore.auth import SigV4Auth
    >>> from botocore.awsrequest import AWSRequest
    >>> from botocore.credentials import Credentials
    >>> directory = CredentialDirectory("123456789012")
    >>> env = directory.function_environment("f", "arn:aws:iam::123456789012:role/R", "us-east-1")
    >>> keys = Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])
    >>> headers = {"Host": "127.0.0.1:4566", "Content-Type": "application/x-www-form-urlencoded"}
    >>> sent = AWSRequest("POST", "http://127.0.0.1:4566/", data=b"Action=ListQueues", headers=headers)
    >>> SigV4Auth(keys, "sqs", "us-east-1").add_auth(sent)
    >>> request = AwsRequest.build("POST", "/", dict(sent.headers), sent.data, service="sqs", region="us-east-1")
    >>> denied = Authorizer(directory, "enforce").authorize(request)
    >>> denied.status, b"<Code>AccessDenied</Code>" in denied.body
    (403, True)
    >>> Authorizer(directory, "warn").authorize(request) is None  # warn mode records it and lets it through
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import unquote

from fogbank.cloud.aws_state import iam_policies
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4
from fogbank.cloud.iam.denials import denial_response, signature_response
from fogbank.cloud.iam.evaluator import AccessRequest, Decision, evaluate
from fogbank.cloud.iam.findings import Finding, FindingLog, Mode
from fogbank.cloud.iam.identity import CredentialDirectory, IssuedKey
from fogbank.cloud.iam.mapping import RequiredAccess, map_request
from fogbank.cloud.iam.policies import identity_policies, resource_policy
from fogbank.cloud.iam.principals import Principal
from fogbank.cloud.iam.request_context import global_context
from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["RESOURCE_POLICY_SERVICES", "Authorizer", "FunctionLogLine", "StateResources", "decide"]

# Services whose resources carry resource-based policies that can deny even the administrator.
RESOURCE_POLICY_SERVICES = frozenset({"s3", "kms", "sqs", "sns", "secretsmanager", "lambda", "sts"})
FunctionLogLine = Callable[[str, str], None]  # (function name, line)


class StateResources:
    """`resources.StateLookup` over the services' state (aws_state)."""

    def kms_key_arn(self, region: str, account_id: str, key_id: str) -> str | None:
        return iam_policies.kms_key_arn(region, account_id, key_id)

    def kms_key_of_ciphertext(self, region: str, account_id: str, blob: str) -> str | None:
        return iam_policies.kms_key_of_ciphertext(region, account_id, blob)

    def secret_arn(self, region: str, account_id: str, secret_id: str) -> str | None:
        return iam_policies.secret_arn(region, account_id, secret_id)


def decide(
    principal: Principal, access: RequiredAccess, context: Mapping[str, tuple[str, ...]]
) -> tuple[Decision, AccessRequest]:
    """Evaluate one (action, resource) for `principal` against its identity and the resource's policies."""
    policy = resource_policy(access.action, access.resource)
    arn_account = access.resource.split(":")[4] if access.resource.count(":") >= 5 else ""
    resource_account = policy.account_id if policy is not None else (arn_account or None)
    full_context = dict(context)
    if resource_account:
        full_context["aws:resourceaccount"] = (resource_account,)
    request = AccessRequest(principal, access.action, access.resource, full_context)
    decision = evaluate(
        request,
        identity_policies(principal),
        policy.document if policy is not None else None,
        resource_account=resource_account,
        resource_policy_required=policy.required if policy is not None else False,
    )
    return decision, request


def _access_key(request: AwsRequest) -> str | None:
    authorization = request.header("authorization") or ""
    marker = "Credential="
    if marker in authorization:
        return authorization.split(marker, 1)[1].split("/", 1)[0]
    credential = request.query.get("X-Amz-Credential")
    if credential:
        return unquote(credential[0]).split("/", 1)[0]
    return None


def _service_message(request: AwsRequest, message: str, access: AccessRequest) -> str:
    """AWS's own spelling per service: SQS lower-cases the action, SNS writes `SNS:`, S3 quotes the ARN."""
    action = access.action
    if request.service == "sqs":
        return message.replace(action, action.lower())
    if request.service == "sns":
        return message.replace(action, "SNS:" + action.split(":", 1)[1])
    if request.service == "s3":
        return message.replace(f"on resource: {access.resource}", f'on resource: "{access.resource}"')
    return message


class Authorizer:
    """The per-request IAM check the router calls (`AwsRouter.set_authorizer`)."""

    def __init__(
        self,
        directory: CredentialDirectory,
        mode: Mode,
        findings: FindingLog | None = None,
        function_log: FunctionLogLine | None = None,
    ) -> None:
        self.directory = directory
        self.mode: Mode = mode
        self.findings = findings or FindingLog()
        self._function_log = function_log
        self._lookup = StateResources()

    def authorize(self, request: AwsRequest) -> AwsResponse | None:
        """None to let `request` through; otherwise the error AWS would answer."""
        if self.mode == "off" or not request.service:
            return None
        access_key = _access_key(request)
        if access_key is None:
            return None  # unsigned (anonymous) requests are not evaluated
        issued = self.directory.issued(access_key)
        if issued is None:
            principal = Principal.admin(self.directory.account_id)
        else:
            rejected = self._verify(request, issued)
            if rejected is not None:
                return rejected
            principal = issued.principal
        if principal.kind == "admin" and request.service not in RESOURCE_POLICY_SERVICES:
            return None
        mapping = map_request(request, self._lookup)
        if mapping.unmapped is not None:
            self._record(Finding("not_checked", principal.arn, mapping.operation, mapping.unmapped), issued)
            return None
        context = global_context(
            principal,
            region=request.region,
            source_ip=request.source_ip,
            user_agent=request.header("user-agent") or "",
            extra=mapping.context,
        )
        for access in mapping.accesses:
            decision, asked = decide(principal, access, context)
            if decision.allowed:
                continue
            finding = Finding(
                "denied" if self.mode == "enforce" else "would_deny",
                principal.arn,
                access.action,
                access.resource,
            )
            self._record(finding, issued)
            if self.mode == "enforce":
                return denial_response(request, _service_message(request, decision.explain(asked), asked))
        return None

    def _verify(self, request: AwsRequest, issued: IssuedKey) -> AwsResponse | None:
        headers = [(name, value) for name, value in request.headers.items()]
        http = HttpRequest(
            request.method, request.raw_path or request.path, request.raw_query, headers, request.body
        )
        try:
            verify_sigv4(
                http,
                service=request.service,
                region=request.region,
                account_id=issued.principal.account_id,
                keys=self.directory.signer_lookup,
            )
        except SignatureRejected as exc:
            return signature_response(request, exc.reason == "unknown_key", exc.message)
        return None

    def _record(self, finding: Finding, issued: IssuedKey | None) -> None:
        first = self.findings.add(finding)
        if first and self._function_log is not None and issued is not None and issued.function_name:
            self._function_log(issued.function_name, f"[fogbank iam] {finding.line()}")
