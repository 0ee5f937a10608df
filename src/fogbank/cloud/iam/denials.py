"""The error a denied request gets: the code, HTTP status, wire shape and message its service uses on AWS.

| protocol                  | services (examples)                    | code                       | status |
|---------------------------|----------------------------------------|----------------------------|--------|
| S3 REST-XML               | s3                                     | AccessDenied               | 403    |
| query XML                 | sts, iam, cloudformation, sqs (query)  | AccessDenied               | 403    |
| query XML                 | sns                                    | AuthorizationError         | 403    |
| JSON, query-compatible    | sqs, monitoring                        | AccessDenied (query code)  | 403    |
| JSON                      | dynamodb, kms, secretsmanager, ssm ... | AccessDeniedException      | 400    |
| REST-JSON                 | lambda, xray, apigateway, appconfig    | AccessDeniedException      | 403    |

Example:
    >>> from fogbank.cloud.router import AwsRequest
    >>> req = AwsRequest.build("POST", "/", {"X-Amz-Target": "DynamoDB_20120810.PutItem"}, b"{}", service="dynamodb")
    >>> denial_response(req, "User: x is not authorized").status
    400
"""

from __future__ import annotations

from fogbank.cloud.aws_errors import AwsError, ErrorShape
from fogbank.cloud.iam.operations import rest_models_for
from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["AccessDenied", "denial_response", "signature_response"]

_QUERY_COMPATIBLE_JSON = {"sqs", "monitoring"}


class AccessDenied(AwsError):
    """IAM's refusal; the code and status vary by service (see the table above)."""

    code, status = "AccessDenied", 403


def _shape(request: AwsRequest) -> ErrorShape:
    if request.service == "s3":
        return ErrorShape.S3
    if rest_models_for(request.service):
        return ErrorShape.REST_JSON
    if request.target:
        return ErrorShape.JSON
    return ErrorShape.QUERY


def denial_response(request: AwsRequest, message: str) -> AwsResponse:
    """The AccessDenied answer AWS gives for `request`'s service and protocol."""
    shape = _shape(request)
    if shape is ErrorShape.REST_JSON:
        return AccessDenied(message, code="AccessDeniedException").render(shape)
    if shape is ErrorShape.JSON:
        if request.service in _QUERY_COMPATIBLE_JSON:
            response = AccessDenied(message).render(shape)
            response.headers["x-amzn-query-error"] = "AccessDenied;Sender"
            return response
        return AccessDenied(message, code="AccessDeniedException", status=400).render(shape)
    if shape is ErrorShape.QUERY and request.service == "sns":
        return AccessDenied(message, code="AuthorizationError").render(shape)
    return AccessDenied(message).render(shape)


def signature_response(request: AwsRequest, unknown_key: bool, message: str) -> AwsResponse:
    """A bad signature or token, as each protocol reports it."""
    shape = _shape(request)
    if shape is ErrorShape.S3:
        code = "InvalidAccessKeyId" if unknown_key else "SignatureDoesNotMatch"
        return AwsError(message, code=code, status=403).render(shape)
    if shape in (ErrorShape.JSON, ErrorShape.REST_JSON):
        code = "UnrecognizedClientException" if unknown_key else "InvalidSignatureException"
        status = 403 if shape is ErrorShape.REST_JSON or unknown_key else 400
        return AwsError(message, code=code, status=status).render(shape)
    code = "InvalidClientTokenId" if unknown_key else "SignatureDoesNotMatch"
    return AwsError(message, code=code, status=403).render(shape)
