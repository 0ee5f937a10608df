"""The local cloud's dummy credentials: the one place they are spelt out.

The local cloud accepts any signature made with these (as moto does); real AWS never sees them. A top-level
module (not under `fogbank.cloud`) so that the deploy side can use them without importing the local cloud.

Example:
    >>> LOCAL_CREDENTIALS_ENV["AWS_ACCESS_KEY_ID"] == LOCAL_ACCESS_KEY_ID
    True
    >>> sorted(LOCAL_BOTO3_CREDENTIALS)
    ['aws_access_key_id', 'aws_secret_access_key']
"""

from __future__ import annotations

__all__ = [
    "LOCAL_ACCESS_KEY_ID",
    "LOCAL_BOTO3_CREDENTIALS",
    "LOCAL_CREDENTIALS_ENV",
    "LOCAL_SECRET_ACCESS_KEY",
]

LOCAL_ACCESS_KEY_ID = "testing"
LOCAL_SECRET_ACCESS_KEY = "testing"
# as environment variables (Lambda workers, `fogbank cloud env`, the pytest session)
LOCAL_CREDENTIALS_ENV = {
    "AWS_ACCESS_KEY_ID": LOCAL_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": LOCAL_SECRET_ACCESS_KEY,
}
# as boto3.session.Session keyword arguments
LOCAL_BOTO3_CREDENTIALS = {
    "aws_access_key_id": LOCAL_ACCESS_KEY_ID,
    "aws_secret_access_key": LOCAL_SECRET_ACCESS_KEY,
}
