"""Operations whose IAM action is not simply `<prefix>:<OperationName>`.

The Service Authorization Reference lists actions, not operations; for most operations the two share a
name. This table holds the exceptions fogbank knows (each entry is tested to name an action the dataset
has). An empty tuple means the operation needs no permission at all (sts:GetCallerIdentity).

Example:
    >>> actions_for("s3", "ListObjectsV2")
    ('s3:ListBucket',)
    >>> actions_for("dynamodb", "PutItem")
    ('dynamodb:PutItem',)
"""

from __future__ import annotations

__all__ = ["OVERRIDES", "SIGNING_NAME_TO_PREFIX", "actions_for", "iam_prefix"]

# SigV4 signing name -> IAM service prefix, where they differ.
SIGNING_NAME_TO_PREFIX: dict[str, str] = {
    "monitoring": "cloudwatch",
    "email": "ses",
    "elasticloadbalancing": "elasticloadbalancing",
    "appconfigdata": "appconfig",
}

OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    # S3
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "SelectObjectContent"): ("s3:GetObject",),
    ("s3", "ListObjectVersions"): ("s3:ListBucketVersions",),
    ("s3", "ListBuckets"): ("s3:ListAllMyBuckets",),
    ("s3", "CreateMultipartUpload"): ("s3:PutObject",),
    ("s3", "UploadPart"): ("s3:PutObject",),
    ("s3", "UploadPartCopy"): ("s3:PutObject",),
    ("s3", "CompleteMultipartUpload"): ("s3:PutObject",),
    ("s3", "CopyObject"): ("s3:PutObject",),
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("s3", "ListMultipartUploads"): ("s3:ListBucketMultipartUploads",),
    ("s3", "ListParts"): ("s3:ListMultipartUploadParts",),
    ("s3", "GetBucketCors"): ("s3:GetBucketCORS",),
    ("s3", "PutBucketCors"): ("s3:PutBucketCORS",),
    ("s3", "DeleteBucketCors"): ("s3:PutBucketCORS",),
    ("s3", "GetBucketEncryption"): ("s3:GetEncryptionConfiguration",),
    ("s3", "PutBucketEncryption"): ("s3:PutEncryptionConfiguration",),
    ("s3", "DeleteBucketEncryption"): ("s3:PutEncryptionConfiguration",),
    ("s3", "GetBucketLifecycleConfiguration"): ("s3:GetLifecycleConfiguration",),
    ("s3", "PutBucketLifecycleConfiguration"): ("s3:PutLifecycleConfiguration",),
    ("s3", "DeleteBucketLifecycle"): ("s3:PutLifecycleConfiguration",),
    ("s3", "GetBucketNotificationConfiguration"): ("s3:GetBucketNotification",),
    ("s3", "PutBucketNotificationConfiguration"): ("s3:PutBucketNotification",),
    ("s3", "GetPublicAccessBlock"): ("s3:GetBucketPublicAccessBlock",),
    ("s3", "PutPublicAccessBlock"): ("s3:PutBucketPublicAccessBlock",),
    ("s3", "DeletePublicAccessBlock"): ("s3:PutBucketPublicAccessBlock",),
    ("s3", "DeleteBucketTagging"): ("s3:PutBucketTagging",),
    ("s3", "DeleteBucketOwnershipControls"): ("s3:PutBucketOwnershipControls",),
    ("s3", "GetBucketReplication"): ("s3:GetReplicationConfiguration",),
    ("s3", "PutBucketReplication"): ("s3:PutReplicationConfiguration",),
    ("s3", "DeleteBucketReplication"): ("s3:PutReplicationConfiguration",),
    ("s3", "GetObjectLockConfiguration"): ("s3:GetBucketObjectLockConfiguration",),
    ("s3", "PutObjectLockConfiguration"): ("s3:PutBucketObjectLockConfiguration",),
    ("s3", "PutBucketAccelerateConfiguration"): ("s3:PutAccelerateConfiguration",),
    ("s3", "GetBucketAccelerateConfiguration"): ("s3:GetAccelerateConfiguration",),
    ("s3", "PutBucketAnalyticsConfiguration"): ("s3:PutAnalyticsConfiguration",),
    ("s3", "PutBucketMetricsConfiguration"): ("s3:PutMetricsConfiguration",),
    ("s3", "PutBucketInventoryConfiguration"): ("s3:PutInventoryConfiguration",),
    ("s3", "PutBucketIntelligentTieringConfiguration"): ("s3:PutIntelligentTieringConfiguration",),
    ("s3", "DeleteBucketWebsite"): ("s3:DeleteBucketWebsite",),
    ("s3", "GetObjectAttributes"): ("s3:GetObject", "s3:GetObjectAttributes"),
    # Lambda
    ("lambda", "Invoke"): ("lambda:InvokeFunction",),
    ("lambda", "InvokeWithResponseStream"): ("lambda:InvokeFunction",),
    ("lambda", "ListVersionsByFunction"): ("lambda:ListVersionsByFunction",),
    # SQS
    ("sqs", "SendMessageBatch"): ("sqs:SendMessage",),
    ("sqs", "DeleteMessageBatch"): ("sqs:DeleteMessage",),
    ("sqs", "ChangeMessageVisibilityBatch"): ("sqs:ChangeMessageVisibility",),
    # SNS
    ("sns", "PublishBatch"): ("sns:Publish",),
    # STS: every principal may ask who it is, whatever its policies say
    ("sts", "GetCallerIdentity"): (),
    # DynamoDB (per-table batches and transactions are expanded by the resource builder)
    ("dynamodb", "TransactGetItems"): ("dynamodb:GetItem",),
    # KMS
    ("kms", "ReEncrypt"): ("kms:ReEncryptFrom", "kms:ReEncryptTo"),
    # CloudWatch Logs
    ("logs", "StartLiveTail"): ("logs:StartLiveTail",),
}


def iam_prefix(signing_name: str) -> str:
    """The IAM service prefix of requests signed for `signing_name` (`monitoring` -> `cloudwatch`)."""
    return SIGNING_NAME_TO_PREFIX.get(signing_name, signing_name)


def actions_for(prefix: str, operation: str) -> tuple[str, ...]:
    """The IAM actions `operation` needs: the override, or `<prefix>:<operation>`."""
    return OVERRIDES.get((prefix, operation), (f"{prefix}:{operation}",))
