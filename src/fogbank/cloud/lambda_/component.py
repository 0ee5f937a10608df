"""LambdaComponent: Invoke, worker pools and Runtime API servers of the local cloud.

See docs/architecture.md (Components) and docs/local-cloud-lambda.md.

Example:
    >>> result = ctx.lambda_.invoke("my-fn", b'{"a": 1}')  # doctest: +SKIP
    >>> result.status, result.function_error
    (200, None)
"""

from __future__ import annotations

import json
import logging
import os
import platform
import threading

from fogbank.cloud.aws_state import lambda_ as lambda_state
from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.context import CloudContext
from fogbank.cloud.lambda_.api import InvokeResult
from fogbank.cloud.lambda_.code import CodeStore
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.http_api import LambdaHttpApi
from fogbank.cloud.lambda_.invoke import EventOutcome, Invoker, InvokeRequest, Telemetry
from fogbank.cloud.lambda_.launch import plan_launch
from fogbank.cloud.lambda_.pool import WorkerPools
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.python_runtime import build_runtime_dir
from fogbank.cloud.lambda_.worker import Worker
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine
from fogbank.errors import CloudError

__all__ = ["LambdaComponent", "check_architecture", "host_architecture"]

_log = logging.getLogger(__name__)


_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def host_architecture() -> str:
    """This machine's architecture in Lambda's words: "x86_64" or "arm64" (else `platform.machine()`)."""
    machine = platform.machine().lower()
    return _ARCHITECTURES.get(machine, machine)


def check_architecture(spec: FunctionSpec) -> None:
    """Refuse to run a function built for another architecture than the host's (its wheels would not load).

    Example:
        >>> check_architecture(arm64_spec)  # doctest: +SKIP
        Traceback (most recent call last):
        LambdaApiError: InvalidRuntimeException: ... its architecture is arm64 but this machine is x86_64 ...
    """
    wanted = _ARCHITECTURES.get(spec.architecture.lower(), spec.architecture)
    host = host_architecture()
    if wanted != host:
        raise LambdaApiError(
            "InvalidRuntimeException",
            f"the local cloud cannot run function {spec.name}: its architecture is {spec.architecture} but this "
            f"machine is {host}, so its native packages (wheels, layers) would not load; use "
            f"Architectures: [{host}] for local runs, or run on an {spec.architecture} machine",
            502,
        )


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise CloudError(f"{name}={raw!r} is not a number; set it to e.g. {default:g} or unset it") from None


class LambdaComponent:
    """Runs Lambda functions as worker processes speaking the Runtime API.

    Settings (environment): FOGBANK_LAMBDA_MAX_WORKERS (per function, default 32),
    FOGBANK_LAMBDA_QUEUE_SECONDS (how long an invoke waits for a worker at that limit, default 30),
    FOGBANK_LAMBDA_IDLE_SECONDS (warm workers idle this long are stopped, default 600).
    """

    def __init__(self, ctx: CloudContext) -> None:
        self.ctx = ctx
        self.max_workers_per_function = int(_env_number("FOGBANK_LAMBDA_MAX_WORKERS", 32))
        self.queue_timeout_s = _env_number("FOGBANK_LAMBDA_QUEUE_SECONDS", 30)
        self.idle_timeout_s = _env_number("FOGBANK_LAMBDA_IDLE_SECONDS", 600)
        self._spawner: Spawner | None = None
        self._pools: WorkerPools | None = None
        self._invoker: Invoker | None = None
        self._janitor: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Attach to moto's Lambda store and register the Lambda API handler on the router."""
        self._stopping.clear()
        self._spawner = Spawner()
        code = CodeStore(self.ctx.state_dir / "lambda")
        self._pools = WorkerPools(
            lambda spec: self._start_worker(spec, code),
            max_workers_per_function=self.max_workers_per_function,
            queue_timeout_s=self.queue_timeout_s,
        )
        self._invoker = Invoker(
            self._resolve,
            self._pools,
            Telemetry(self._put_log_lines, self._record_invocation),
            region=self.ctx.region,
        )
        lambda_state.install(self._invoke_for_moto)
        self.ctx.router.add("lambda", LambdaHttpApi(self._invoker, self._pools.recycle))
        self._janitor = threading.Thread(target=self._reap_idle_workers, name="lambda-janitor", daemon=True)
        self._janitor.start()

    def stop(self) -> None:
        """Stop every worker process, Runtime API server and thread. Idempotent, never raises."""
        self._stopping.set()
        lambda_state.uninstall()
        for closer in (self._invoker, self._pools, self._spawner):
            if closer is None:
                continue
            try:
                closer.close()
            except Exception:
                _log.exception("stopping %s failed", type(closer).__name__)
        self._invoker = self._pools = self._spawner = None
        if self._janitor is not None:
            self._janitor.join(timeout=5)
            self._janitor = None

    # -- contract for front doors and custom resources -----------------------------------------------------
    def invoke(
        self,
        function: str,
        payload: bytes,
        *,
        invocation_type: str = "RequestResponse",
        trace_header: str | None = None,
        qualifier: str | None = None,
        on_event_outcome: EventOutcome | None = None,
    ) -> InvokeResult:
        """Invoke in-process, as the Lambda API would; API errors come back as a non-2xx InvokeResult.

        With invocation_type="Event", `on_event_outcome` (if given) learns how the invocation ended, e.g.
        `result.function_error == "Unhandled"` with the errorType/errorMessage payload (custom resources).
        """
        if self._invoker is None:
            raise CloudError("the Lambda component is not started; start the LocalCloud first")
        request = InvokeRequest(function, payload, invocation_type, qualifier, trace_header)
        try:
            return self._invoker.invoke(request, on_event_outcome)
        except LambdaApiError as exc:
            body = json.dumps({"errorType": exc.code, "errorMessage": exc.message}).encode()
            return InvokeResult(exc.status, body, error_code=exc.code)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (diagnostics and tests)."""
        return self._pools.pids() if self._pools is not None else []

    # -- wiring ---------------------------------------------------------------------------------------------
    def _resolve(self, function: str, qualifier: str | None) -> FunctionSpec:
        return lambda_state.resolve(self.ctx.account_id, self.ctx.region, function, qualifier)

    def _start_worker(self, spec: FunctionSpec, code: CodeStore) -> Worker:
        assert self._spawner is not None
        check_architecture(spec)
        task_root, opt_dir = code.prepare(spec)
        launch = plan_launch(
            spec,
            task_root,
            opt_dir,
            cloud_env=self.ctx.env(),
            xray_daemon=self.ctx.telemetry.xray_daemon_address,
            runtime_dir=build_runtime_dir(self.ctx.state_dir),
        )
        return Worker.start(spec, launch, self._spawner)

    def _put_log_lines(self, group: str, stream: str, lines: list[LogLine]) -> None:
        self.ctx.telemetry.put_log_lines(group, stream, lines)

    def _record_invocation(self, record: InvocationRecord) -> None:
        self.ctx.telemetry.record_invocation(record)

    def _invoke_for_moto(self, qualified_arn: str, payload: bytes) -> tuple[bytes, str | None]:
        """moto's event sources (SQS, SNS, Kinesis, DynamoDB streams, log subscriptions) land here."""
        result = self.invoke(qualified_arn, payload)
        if result.error_code is not None:
            return result.payload, "Unhandled"
        return result.payload, result.function_error

    def _reap_idle_workers(self) -> None:
        interval = max(1.0, min(30.0, self.idle_timeout_s / 4))
        while not self._stopping.wait(interval):
            pools = self._pools
            if pools is not None:
                pools.reap_idle(self.idle_timeout_s)
