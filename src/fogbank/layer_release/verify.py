"""`fogbank layer verify`: in each region, a canary function with the published layer reports its version.

Per region and architecture: find the layer version of this release (by the description `publish` wrote),
create a canary function that uses it, wait until it is Active, invoke it, compare the version it reports,
and delete it. One execution role of this run's own (IAM is global) serves every canary and is deleted at the
end. A failure
in one region is reported and the others go on; each result says what was left behind, if anything.

Example (skipped as a doctest: it needs real AWS):
    >>> verifier = LayerVerifier(clients=boto3_clients(), python_version="3.11")  # doctest: +SKIP
    >>> report = verifier.verify(library, regions=("eu-west-1",), architectures=("x86_64",))  # doctest: +SKIP
    >>> [result.passed for result in report.results]  # doctest: +SKIP
    [True]
"""

from __future__ import annotations

import io
import json
import threading
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import tenacity
from botocore.exceptions import BotoCoreError, ClientError

from fogbank.layer_release.aws import ClientFactory, describe_error
from fogbank.layer_release.library import LayerLibrary, layer_name

__all__ = ["CANARY_ROLE_PREFIX", "LayerVerifier", "VerifyReport", "VerifyResult"]

CANARY_ROLE_PREFIX = "fogbank-layer-canary-"
_BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass(frozen=True)
class VerifyResult:
    """One region and architecture: pass or fail, why, and what is left there."""

    region: str
    architecture: str
    passed: bool
    reason: str
    layer_arn: str | None = None
    reported_version: str | None = None
    left_behind: str = "nothing"


@dataclass(frozen=True)
class VerifyReport:
    """Every region's result, and whether the shared canary role is left behind."""

    results: list[VerifyResult]
    role_left_behind: str

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(result.passed for result in self.results)


class _Failed(Exception):
    """A step of one region's check failed; the message is the reason shown in the table."""


class LayerVerifier:
    """Checks published layers with canary functions.

    Args:
        clients: (service, region) -> boto3 client.
        python_version: the canary's runtime, e.g. "3.11" (the layer's compatible runtime).
        home_region: where the global IAM calls go.
        deadline_seconds: how long a canary may take to become Active and to answer.
        on_result: called with each result as soon as it is known (progress).
    """

    def __init__(
        self,
        *,
        clients: ClientFactory,
        python_version: str,
        home_region: str = "us-east-1",
        deadline_seconds: float = 180.0,
        on_result: Callable[[VerifyResult], None] | None = None,
    ) -> None:
        self._clients = clients
        self._python_version = python_version
        self._home_region = home_region
        self._deadline = deadline_seconds
        self._on_result = on_result or (lambda result: None)

    def verify(
        self, library: LayerLibrary, *, regions: tuple[str, ...], architectures: tuple[str, ...]
    ) -> VerifyReport:
        """Check every region and architecture; the canary role is created first and deleted last."""
        iam = self._clients("iam", self._home_region)
        role_name = f"{CANARY_ROLE_PREFIX}{uuid.uuid4().hex[:8]}"
        try:
            role_arn = _create_role(iam, role_name)
        except (ClientError, BotoCoreError) as error:
            reason = f"cannot create the canary role {role_name}: {describe_error(error)}"
            results = [VerifyResult(r, a, False, reason) for r in regions for a in architectures]
            for result in results:
                self._on_result(result)
            return VerifyReport(results=results, role_left_behind="nothing")
        jobs = [(region, arch) for region in regions for arch in architectures]
        try:
            with ThreadPoolExecutor(
                max_workers=min(8, len(jobs) or 1), thread_name_prefix="layer-verify"
            ) as pool:
                results = list(pool.map(lambda job: self._verify_one(library, role_arn, *job), jobs))
        finally:
            role_left = _delete_role(iam, role_name)
        return VerifyReport(results=results, role_left_behind=role_left)

    def _verify_one(self, library: LayerLibrary, role_arn: str, region: str, arch: str) -> VerifyResult:
        result = VerifyResult(region=region, architecture=arch, passed=False, reason="")
        client = self._clients("lambda", region)
        function_name = f"fogbank-layer-canary-{arch}-{uuid.uuid4().hex[:8]}"
        created = threading.Event()
        try:
            arn = self._release_arn(client, library, arch)
            result = replace(result, layer_arn=arn)
            self._create_canary(client, function_name, role_arn, arn, arch, created)
            reported = self._invoke(client, function_name, library)
            result = replace(result, reported_version=reported)
            if reported != library.version:
                raise _Failed(
                    f"the layer reports {library.distribution} {reported}, expected {library.version}"
                )
            result = replace(result, passed=True, reason=f"{library.distribution} {reported} imported")
        except _Failed as error:
            result = replace(result, reason=str(error))
        except (ClientError, BotoCoreError) as error:
            result = replace(result, reason=describe_error(error))
        finally:  # a canary that was created is deleted whatever happened after (Pending, Failed, Ctrl-C)
            if created.is_set():
                result = replace(result, left_behind=_delete_function(client, function_name))
        self._on_result(result)
        return result

    def _release_arn(self, client: Any, library: LayerLibrary, arch: str) -> str:
        name = layer_name(library.distribution, self._python_version, arch)
        prefix = f"{library.distribution} {library.version} ("
        versions: list[dict[str, Any]] = []
        try:
            for page in client.get_paginator("list_layer_versions").paginate(LayerName=name):
                versions += [
                    v for v in page["LayerVersions"] if str(v.get("Description", "")).startswith(prefix)
                ]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        if not versions:
            raise _Failed(
                f"no version of layer {name} holds {library.distribution} {library.version}; "
                "run `fogbank layer publish` for this region first"
            )
        return str(max(versions, key=lambda v: int(v["Version"]))["LayerVersionArn"])

    def _create_canary(
        self, client: Any, name: str, role_arn: str, layer_arn: str, arch: str, created: threading.Event
    ) -> None:
        def create() -> None:
            client.create_function(
                FunctionName=name,
                Runtime=f"python{self._python_version}",
                Role=role_arn,
                Handler="canary.handler",
                Code={"ZipFile": _canary_zip()},
                Layers=[layer_arn],
                Architectures=[arch],
                Timeout=30,
                MemorySize=256,
                Description="fogbank layer verify canary; deleted when the check ends",
            )

        # A new role takes a few seconds to become assumable by Lambda on AWS: retry that error only.
        tenacity.Retrying(
            retry=tenacity.retry_if_exception(_role_not_ready),
            wait=tenacity.wait_exponential(multiplier=0.5, max=5),
            stop=tenacity.stop_after_delay(60),
            reraise=True,
        )(create)
        created.set()

        def state() -> str:
            return str(client.get_function_configuration(FunctionName=name).get("State", "Active"))

        try:
            final = tenacity.Retrying(
                retry=tenacity.retry_if_result(lambda current: current == "Pending"),
                wait=tenacity.wait_exponential(multiplier=0.1, max=2),
                stop=tenacity.stop_after_delay(self._deadline),
            )(state)
        except tenacity.RetryError:
            raise _Failed(
                f"the canary function {name} was still Pending after {self._deadline:.0f}s"
            ) from None
        if final != "Active":
            raise _Failed(f"the canary function {name} is {final}, not Active")

    def _invoke(self, client: Any, name: str, library: LayerLibrary) -> str:
        payload = json.dumps({"distribution": library.distribution, "module": library.module})
        answer = client.invoke(FunctionName=name, Payload=payload.encode())
        body = json.loads(answer["Payload"].read() or b"null")
        if answer.get("FunctionError"):
            error = body if isinstance(body, dict) else {}
            raise _Failed(
                f"the canary could not import {library.module}: "
                f"{error.get('errorType', 'Error')}: {error.get('errorMessage', body)}"
            )
        return str(body["version"])


def _canary_zip() -> bytes:
    source = resources.files("fogbank.layer_release").joinpath("canary_function.py").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("canary.py", date_time=(1980, 1, 1, 0, 0, 0)), source)
    return buffer.getvalue()


def _create_role(iam: Any, name: str) -> str:
    """A role of this run's own (never one that exists already), so concurrent runs cannot delete each other's."""
    role = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(_TRUST),
        Description="fogbank layer verify: canary functions (deleted when the check ends)",
    )
    try:
        iam.attach_role_policy(RoleName=name, PolicyArn=_BASIC_EXECUTION)
    except (ClientError, BotoCoreError):
        iam.delete_role(RoleName=name)
        raise
    return str(role["Role"]["Arn"])


def _delete_role(iam: Any, name: str) -> str:
    try:
        iam.detach_role_policy(RoleName=name, PolicyArn=_BASIC_EXECUTION)
        iam.delete_role(RoleName=name)
    except (ClientError, BotoCoreError) as error:
        return f"IAM role {name} (delete failed: {describe_error(error)}; delete it by hand)"
    return "nothing"


def _delete_function(client: Any, name: str) -> str:
    try:
        client.delete_function(FunctionName=name)
    except (ClientError, BotoCoreError) as error:
        return f"canary function {name} (delete failed: {describe_error(error)}; delete it by hand)"
    return "nothing"


def _role_not_ready(error: BaseException) -> bool:
    return (
        isinstance(error, ClientError)
        and error.response["Error"]["Code"] == "InvalidParameterValueException"
        and "role" in error.response["Error"].get("Message", "").lower()
    )
