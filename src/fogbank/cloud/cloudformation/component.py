"""CloudFormationComponent: the CloudFormation API and engine, custom-resource responses, and AppConfig.

See docs/architecture.md (Components) and docs/cloudformation.md.

Example:
    >>> with LocalCloud() as cloud:  # doctest: +SKIP
    ...     cfn = cloud.client("cloudformation")
    ...     cfn.create_stack(StackName="s", TemplateBody=template)
    ...     cfn.get_waiter("stack_create_complete").wait(StackName="s", WaiterConfig={"Delay": 1})
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from fogbank.cloud.aws_state.iam import AWS_MANAGED_PREFIX, ensure_aws_managed_policy
from fogbank.cloud.cloudformation.api import CloudFormationApi
from fogbank.cloud.cloudformation.custom_responses import RESPONSE_PATH, ResponseBox
from fogbank.cloud.cloudformation.operations import StackOperations
from fogbank.cloud.cloudformation.store import Stack, StackStore
from fogbank.cloud.context import CloudContext
from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["CloudFormationComponent"]

_log = logging.getLogger(__name__)
_STOP_TIMEOUT = 10.0
_RESOURCE_WORKERS = 6


class CloudFormationComponent:
    """Serves CloudFormation (all of it: moto's never answers) and the appconfig/appconfigdata additions."""

    def __init__(self, ctx: CloudContext) -> None:
        self.ctx = ctx
        self.store = StackStore()
        self.responses = ResponseBox()
        self.cancelled = threading.Event()
        # One pool for every stack operation: its threads keep their boto3 clients (about 0.1 s each to build).
        self.pool = ThreadPoolExecutor(max_workers=_RESOURCE_WORKERS, thread_name_prefix="fogbank-cfn")
        self.operations = StackOperations(ctx, self.store, self.cancelled, self.pool)
        self.api = CloudFormationApi(self)
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Register the API, the custom-resource ResponseURL route and the AppConfig handlers."""
        from fogbank.cloud.appconfig_control import AppConfigControl
        from fogbank.cloud.appconfigdata import AppConfigData

        self.appconfig = AppConfigControl(self.ctx)
        self.ctx.router.add("cloudformation", self._handle)
        self.ctx.router.add_path(RESPONSE_PATH, self.responses.handle)
        self.ctx.router.add("appconfig", self.appconfig.handle)
        self.ctx.router.add("appconfig", AppConfigData(self.ctx, self.appconfig).handle)
        self.ctx.router.add("iam", self._aws_managed_policies)

    def _handle(self, request: AwsRequest) -> AwsResponse:
        return self.api.handle(request)

    def _aws_managed_policies(self, request: AwsRequest) -> None:
        """Let AWS managed policies exist (as on AWS) before moto answers a request naming one; never answers."""
        arn = request.form().get("PolicyArn", "")
        if arn.startswith(AWS_MANAGED_PREFIX):
            ensure_aws_managed_policy(request.account_id, arn)

    def run(self, stack: Stack, operation: Callable[[], None]) -> None:
        """Run a stack operation on its own thread, after the stack's previous operation has finished."""
        with self._lock:
            previous = self._threads.get(stack.stack_id)

            def body() -> None:
                if previous is not None:
                    previous.join()
                if self.cancelled.is_set():
                    return
                try:
                    operation()
                except Exception as exc:  # an engine bug must still leave the stack in a final state
                    failed = stack.status.replace("_IN_PROGRESS", "_FAILED")
                    stack.set_stack_status(failed, f"Internal error in the local cloud's engine: {exc!r}")

            thread = threading.Thread(target=body, name=f"fogbank-cfn-{stack.name}", daemon=True)
            self._threads[stack.stack_id] = thread
        thread.start()

    def ssm_parameter(self, name: str) -> str:
        """An SSM parameter's value, for `AWS::SSM::Parameter::Value<...>` parameters; LookupError if missing."""
        try:
            value: str = self.ctx.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
        except ClientError as exc:
            raise LookupError(name) from exc
        return value

    def stop(self) -> None:
        """Cancel running operations (no new resource starts), wake custom-resource waits, join threads.

        Waits at most `_STOP_TIMEOUT` seconds in all; a resource call still running after that is left to
        finish on its (daemon) thread, and the cancelled flag keeps it from starting anything new.
        """
        deadline = time.monotonic() + _STOP_TIMEOUT
        self.cancelled.set()
        self.responses.close()
        with self._lock:
            threads = list(self._threads.values())
            self._threads.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for thread in [*threads, *self.pool._threads]:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in [*threads, *self.pool._threads] if thread.is_alive()]
        if stuck:
            _log.warning(
                "CloudFormation threads still running after %.0f s at stop: %s", _STOP_TIMEOUT, stuck
            )
