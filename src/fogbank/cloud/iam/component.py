"""The IAM component of the local cloud: the router's per-request authorization and Lambda's role sessions.

It receives where the cloud lives (`CloudSite`), where to install the authorizer (`Authorization`, the
endpoint's router), its mode, and the telemetry sink that writes IAM notes into functions' log groups.
Lambda receives `execution_role_credentials` as its `credentials`.

Example (in-process: the router is not served, the sessions are in moto's STS state):
    >>> from pathlib import Path
    >>> from fogbank.cloud.router import AwsRouter
    >>> from fogbank.cloud.site import CloudSite
    >>> router = AwsRouter(lambda environ, start_response: [])
    >>> iam = IamComponent(CloudSite("http://127.0.0.1:4566", Path("/tmp/unused")), router, mode="enforce")
    >>> iam.start()  # installs its authorizer on the router
    >>> env = iam.function_environment("my-fn", "arn:aws:iam::123456789012:role/R")
    >>> sorted(env), env["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    (['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'], True)
    >>> iam.stop()
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from fogbank.cloud.aws_state import service_calls
from fogbank.cloud.iam.authorizer import Authorizer
from fogbank.cloud.iam.catalog import preload
from fogbank.cloud.iam.findings import Finding, FindingLog, Mode
from fogbank.cloud.iam.identity import CredentialDirectory
from fogbank.cloud.iam.service_access import ServiceAccess
from fogbank.cloud.telemetry.records import LogLine

if TYPE_CHECKING:
    from fogbank.cloud.aws_state.lambda_ import FunctionSpec
    from fogbank.cloud.contracts import Authorization, TelemetrySink
    from fogbank.cloud.site import CloudSite

__all__ = ["IamComponent"]


class IamComponent:
    """Evaluates every signed request's permissions and issues Lambda execution-role credentials."""

    def __init__(
        self,
        site: CloudSite,
        authorization: Authorization,
        *,
        mode: Mode,
        telemetry: TelemetrySink | None = None,
    ) -> None:
        self._authorization = authorization
        self.region = site.region
        self.directory = CredentialDirectory(site.account_id)
        self._telemetry = telemetry
        self._log_groups: dict[str, str] = {}
        self.authorizer = Authorizer(self.directory, mode, FindingLog(), self._function_log)
        # what AWS services check when they call functions for you (event source mappings, S3, SNS, Logs)
        self.service_access = ServiceAccess(mode, self.authorizer.findings)

    @property
    def mode(self) -> Mode:
        return self.authorizer.mode

    def start(self) -> None:
        if self.mode != "off":
            # about 0.1 s, here rather than on a thread: a thread holding the GIL that long while the first
            # functions start delays their log pumps (and so their lines' timestamps)
            preload()
        self._authorization.set_authorizer(self.authorizer.authorize)
        service_calls.install(self.service_access)

    def stop(self) -> None:
        service_calls.uninstall()
        self._authorization.set_authorizer(None)

    def function_environment(
        self, function_name: str, role_arn: str, log_group: str | None = None
    ) -> dict[str, str]:
        """AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN of a session of the function's
        execution role, named after the function. `log_group` is where IAM notes about it go."""
        self._log_groups[function_name] = log_group or f"/aws/lambda/{function_name}"
        return self.directory.function_environment(function_name, role_arn, self.region)

    def execution_role_credentials(self, spec: FunctionSpec) -> dict[str, str]:
        """Lambda's `credentials` contract: the credential variables of `spec`'s execution environment."""
        return self.function_environment(spec.name, spec.role, spec.log_group or None)

    def findings(self) -> list[tuple[Finding, int]]:
        """What was denied, would be denied on AWS, or not checked, with counts."""
        return self.authorizer.findings.findings()

    def note_service_denial(self, principal: str, action: str, resource: str) -> None:
        """Record that a service acting on a resource's behalf was denied (EventBridge invoking a function
        whose resource policy does not allow it): it shows in the run's IAM findings."""
        self.authorizer.findings.add(Finding("denied", principal, action, resource))

    def _function_log(self, function_name: str, line: str) -> None:
        if self._telemetry is None:
            return
        group = self._log_groups.get(function_name, f"/aws/lambda/{function_name}")
        stream = time.strftime("%Y/%m/%d/", time.gmtime()) + "[$LATEST]fogbank-iam"
        self._telemetry.put_log_lines(group, stream, [LogLine(int(time.time() * 1000), line)])
