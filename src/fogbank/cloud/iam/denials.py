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

from fogbank.cloud.iam.operations import rest_models_for
from fogbank.cloud.router import AwsRequest, AwsResponse, json_error, query_error, s3_error

__all__ = ["denial_response", "signature_response"]

_QUERY_COMPATIBLE_JSON = {"sqs", "monitoring"}


def denial_response(request: AwsRequest, message: str) -> AwsResponse:
    """The AccessDenied answer AWS gives for `request`'s service and protocol."""
    if request.service == "s3":
        return s3_error("AccessDenied", message, 403)
    if rest_models_for(request.service):
        return json_error("AccessDeniedException", message, 403, rest=True)
    if request.target:
        if request.service in _QUERY_COMPATIBLE_JSON:
            response = json_error("AccessDenied", message, 403)
            response.headers["x-amzn-query-error"] = "AccessDenied;Sender"
            return response
        return json_error("AccessDeniedException", message, 400)
    code = "AuthorizationError" if request.service == "sns" else "AccessDenied"
    return query_error(code, message, 403)


def signature_response(request: AwsRequest, unknown_key: bool, message: str) -> AwsResponse:
    """A bad signature or token, as each protocol reports it."""
    if request.service == "s3":
        code = "InvalidAccessKeyId" if unknown_key else "SignatureDoesNotMatch"
        return s3_error(code, message, 403)
    if request.target or rest_models_for(request.service):
        code = "UnrecognizedClientException" if unknown_key else "InvalidSignatureException"
        rest = bool(rest_models_for(request.service))
        return json_error(code, message, 403 if rest or unknown_key else 400, rest=rest)
    code = "InvalidClientTokenId" if unknown_key else "SignatureDoesNotMatch"
    return query_error(code, message, 403)
