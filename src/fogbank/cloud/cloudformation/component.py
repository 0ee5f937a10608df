"""CloudFormationComponent: the CloudFormation API and engine, and custom-resource responses.

See docs/architecture.md (Components) and docs/cloudformation.md.

Example (skipped as a doctest: it starts a local cloud):
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

from fogbank.cloud.cloudformation.api import CloudFormationApi
from fogbank.cloud.cloudformation.custom_responses import RESPONSE_PATH, ResponseBox
from fogbank.cloud.cloudformation.operations import StackOperations
from fogbank.cloud.cloudformation.store import Stack, StackStore
from fogbank.cloud.contracts import (
    AppSyncCommands,
    CacheCommands,
    ClientFactory,
    FrontDoorCommands,
    FunctionInvoker,
    ProviderServices,
    Routes,
)
from fogbank.cloud.router import AwsRequest, AwsResponse
from fogbank.cloud.site import CloudSite

__all__ = ["CloudFormationComponent"]

_log = logging.getLogger(__name__)
_STOP_TIMEOUT = 10.0
_RESOURCE_WORKERS = 6


class CloudFormationComponent:
    """Serves CloudFormation (all of it: moto's never answers).

    Resource providers reach other components only through the `ProviderServices` built here from the
    constructor's protocols: `clients` (boto3 on the public APIs), `lambda_` (in-process Invoke, for custom
    resources), `frontdoors` (the front-door commands), `appsync` and `elasticache`.
    """

    def __init__(
        self,
        site: CloudSite,
        routes: Routes,
        *,
        clients: ClientFactory,
        lambda_: FunctionInvoker,
        frontdoors: FrontDoorCommands,
        appsync: AppSyncCommands,
        elasticache: CacheCommands,
    ) -> None:
        self._routes = routes
        self.clients = clients
        self.store = StackStore()
        self.responses = ResponseBox(site.endpoint)
        self.cancelled = threading.Event()
        # One pool for every stack operation: its threads keep their boto3 clients (about 0.1 s each to build).
        self.pool = ThreadPoolExecutor(max_workers=_RESOURCE_WORKERS, thread_name_prefix="fogbank-cfn")
        self.services = ProviderServices(
            clients=clients,
            invoker=lambda_,
            frontdoors=frontdoors,
            custom_resources=self.responses,
            appsync=appsync,
            elasticache=elasticache,
        )
        self.operations = StackOperations(self.services, self.store, self.cancelled, self.pool)
        self.api = CloudFormationApi(self)
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Register the API and the custom-resource ResponseURL route."""
        self._routes.add("cloudformation", self._handle)
        self._routes.add_path(RESPONSE_PATH, self.responses.handle)

    def _handle(self, request: AwsRequest) -> AwsResponse:
        return self.api.handle(request)

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
            value: str = self.clients("ssm").get_parameter(Name=name)["Parameter"]["Value"]
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
        # the pool's own bounded wait: shutdown(wait=True) joins its workers; we join that with the deadline
        drain = threading.Thread(
            target=self.pool.shutdown, kwargs={"wait": True}, name="fogbank-cfn-pool-drain", daemon=True
        )
        drain.start()
        for thread in [*threads, drain]:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in threads if thread.is_alive()]
        if drain.is_alive():
            stuck.append("fogbank-cfn resource pool")
        if stuck:
            _log.warning(
                "CloudFormation threads still running after %.0f s at stop: %s", _STOP_TIMEOUT, stuck
            )
