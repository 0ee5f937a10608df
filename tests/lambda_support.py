"""Test support for the Lambda integration tests: a role's policies, zipped handler code, a JSON invoke.

Imported by name (`from lambda_support import invoke_json`), never from `conftest`: every test folder has a
conftest.py, and pytest imports only one module named `conftest`, so a test importing from it breaks as soon
as another folder's tests are collected in the same run.

Example:
    >>> import zipfile, io
    >>> zipfile.ZipFile(io.BytesIO(zip_code({"app.py": "x = 1"}))).namelist()
    ['app.py']
"""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from typing import Any

__all__ = ["HANDLER_POLICY", "ROLE_POLICY", "invoke_json", "zip_code"]

ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

HANDLER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sqs:*", "logs:*", "lambda:*"], "Resource": "*"}],
}


def zip_code(files: dict[str, str], modes: dict[str, int] | None = None) -> bytes:
    """A .zip with `files` (name -> source, dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644)) << 16
            archive.writestr(info, textwrap.dedent(source))
    return buffer.getvalue()


def invoke_json(
    lambda_client: Any, name: str, payload: Any = None, **kwargs: Any
) -> tuple[dict[str, Any], Any]:
    """Invoke and return (raw response, decoded JSON payload)."""
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode(), **kwargs)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None
