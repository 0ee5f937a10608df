"""Which requests the endpoint can attribute to a service and an operation; the rest get a 4xx that says why.

A request is attributable when it carries a SigV4 credential scope (Authorization header or presigned
`X-Amz-Credential` query), an S3 SigV2 signature (header or presigned `AWSAccessKeyId` + `Signature` query),
or when it is an S3 request by its address: a virtual-hosted bucket (`<bucket>.s3.<...>`) or a path whose first
segment is a bucket name (anonymous reads of public objects, browser POST uploads). Anything else (an unsigned
`POST /` with a body, say) would otherwise reach moto's default service and get a made-up answer.

Example:
    >>> from fogbank.cloud.router import AwsRequest
    >>> refusal(AwsRequest.build("POST", "/", {}, b"garbage")).status
    403
    >>> refusal(AwsRequest.build("GET", "/my-bucket/index.html", {}, b"")) is None
    True
"""

from __future__ import annotations

import re

from fogbank.cloud.router import AwsRequest, AwsResponse, json_error, query_error

__all__ = ["refusal"]

# S3 bucket names: 3-63 of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_S3_HOST = re.compile(r"(^|\.)s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")


def _is_s3_by_address(request: AwsRequest) -> bool:
    host = (request.header("host") or "").rsplit(":", 1)[0].lower()
    if _S3_HOST.search(host):
        return True
    first = request.path.lstrip("/").split("/", 1)[0]
    return bool(first) and _BUCKET.match(first) is not None


def _is_s3_sigv2(request: AwsRequest) -> bool:
    authorization = request.header("authorization") or ""
    if authorization.startswith("AWS ") and ":" in authorization:
        return True
    return "AWSAccessKeyId" in request.query and "Signature" in request.query


def refusal(request: AwsRequest) -> AwsResponse | None:
    """None when the request can be attributed; otherwise AWS's MissingAuthenticationToken, saying why."""
    if request.service or _is_s3_sigv2(request) or _is_s3_by_address(request):
        return None
    message = (
        f"The local cloud cannot tell which service and operation {request.method} {request.path} is for: it has "
        "no SigV4 credential scope (Authorization header or X-Amz-Credential query), no presigned S3 query, and "
        "its path names no S3 bucket or object. Sign it with an AWS SDK or the AWS CLI "
        "(AWS_ENDPOINT_URL pointing at this endpoint), or use a presigned URL"
    )
    content_type = (request.header("content-type") or "").lower()
    if request.header("x-amz-target") or "json" in content_type:
        return json_error("MissingAuthenticationTokenException", message, 403)
    return query_error("MissingAuthenticationToken", message, 403)
