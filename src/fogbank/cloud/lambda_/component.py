"""LambdaComponent: Invoke, worker pools and Runtime API servers of the local cloud.

See docs/architecture.md (Components) and docs/local-cloud-lambda.md.

Example (skipped as a doctest: it needs a running local cloud and a deployed function):
    >>> lambda_ = LambdaComponent(site, router, telemetry=telemetry)  # doctest: +SKIP
    >>> result = lambda_.invoke("my-fn", b'{"a": 1}')  # doctest: +SKIP
    >>> result.status, result.function_error  # doctest: +SKIP
    (200, None)
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from fogbank.cloud.aws_state import lambda_ as lambda_state
from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.contracts import InvocationType, Routes, TelemetrySink
from fogbank.cloud.lambda_.api import InvokeResult
from fogbank.cloud.lambda_.code import CodeStore
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.http_api import LambdaHttpApi
from fogbank.cloud.lambda_.invoke import EventOutcome, Invoker, InvokeRequest, Telemetry, region_of
from fogbank.cloud.lambda_.launch import plan_launch
from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.memory_limit import EnvironmentLimit, MemoryLimits, resident_bytes
from fogbank.cloud.lambda_.pool import WorkerPools
from fogbank.cloud.lambda_.process import Spawner, WorkerProcess
from fogbank.cloud.lambda_.python_hosts import PythonHost, PythonHosts
from fogbank.cloud.lambda_.runtime_versions import VersionWarnings
from fogbank.cloud.lambda_.stdlib_versions import python_minor
from fogbank.cloud.lambda_.worker import Launch, Worker
from fogbank.cloud.lambda_.zygote import Zygote
from fogbank.cloud.site import CloudSite
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine
from fogbank.errors import CloudError
from fogbank.layer import host_architecture  # one definition; re-exported for the runtime's callers

__all__ = ["EnvironmentCredentials", "LambdaComponent", "host_architecture"]

_log = logging.getLogger(__name__)
_NO_ZYGOTE = (
    "the Lambda zygote cannot start; execution environments start as new processes, without layers at /opt "
    "and with code and layers WRITABLE (a write into the task root or /opt, which AWS refuses, is not caught); "
    "/tmp is the machine's, SHARED by every environment and not limited to the function's EphemeralStorage size"
)


EnvironmentCredentials = Callable[[FunctionSpec], dict[str, str]]
"""The credentials an execution environment of a function gets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, ...), merged over the cloud's endpoint settings. The default: the cloud's dummy ones."""


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise CloudError(f"{name}={raw!r} is not a number; set it to e.g. {default:g} or unset it") from None


def _releasing(memory: EnvironmentLimit | None, start: Callable[[], Worker]) -> Worker:
    """`start()`; the memory cgroup `memory` goes when it fails."""
    try:
        return start()
    except BaseException:
        if memory is not None:
            memory.release()
        raise


def _with_door_map(launch: Launch, door_map: Mapping[str, Any] | None) -> Launch:
    """`launch` handed the front doors' map; an environment with its own /tmp keeps reaching the CA files the
    map names (SSL_CERT_FILE and REQUESTS_CA_BUNDLE point at them; they live in the cloud's state directory)."""
    keep = launch.keep_paths
    if door_map is not None and launch.tmp_mb is not None:
        files = [door_map.get(key) for key in ("ca_file", "ca_bundle_file")]
        keep = (*keep, *(Path(str(file)).parent for file in files if file))
    return replace(launch, door_map=door_map, keep_paths=keep)


class LambdaComponent:
    """Runs Lambda functions as worker processes speaking the Runtime API.

    Settings (environment): FOGBANK_LAMBDA_MAX_WORKERS (per function, default 32),
    FOGBANK_LAMBDA_QUEUE_SECONDS (how long an invoke waits for a worker at that limit, default 30),
    FOGBANK_LAMBDA_IDLE_SECONDS (warm workers idle this long are stopped, default 600),
    FOGBANK_PYTHON_3_X (the CPython that runs python3.X functions, or `emulate`; interpreters.py),
    FOGBANK_LAMBDA_ZYGOTE=0 (start every execution environment as a new process instead of forking it from the
    pre-initialised runtime; no /opt namespace then, so code and layers are writable and /tmp is the machine's),
    FOGBANK_LAMBDA_MEMORY_LIMITS=0 (MemorySize reported, not enforced; memory_limit.py).
    """

    def __init__(
        self,
        site: CloudSite,
        routes: Routes,
        *,
        telemetry: TelemetrySink,
        credentials: EnvironmentCredentials | None = None,
        door_map: Callable[[], Mapping[str, Any] | None] | None = None,
    ) -> None:
        self._site = site
        self._routes = routes
        self._telemetry = telemetry
        self.max_workers_per_function = int(_env_number("FOGBANK_LAMBDA_MAX_WORKERS", 32))
        self.queue_timeout_s = _env_number("FOGBANK_LAMBDA_QUEUE_SECONDS", 30)
        self.idle_timeout_s = _env_number("FOGBANK_LAMBDA_IDLE_SECONDS", 600)
        self.use_zygote = os.environ.get("FOGBANK_LAMBDA_ZYGOTE", "1") != "0"
        self._credentials: EnvironmentCredentials = credentials or (lambda spec: {})
        # The front doors' map (docs/front-doors.md), handed to forked environments so that they need not
        # fetch it from the endpoint at init; None: they fetch it.
        self._door_map = door_map
        self._spawner: Spawner | None = None
        self._hosts: PythonHosts | None = None  # per interpreter: runtime directory, zygote, bytecode cache
        self._code: CodeStore | None = None
        self._pools: WorkerPools | None = None
        self._memory: MemoryLimits | None = (
            None  # MemorySize enforced through memory cgroups, where it can be
        )
        self._invoker: Invoker | None = None
        self._janitor: threading.Thread | None = None
        self._stopping = threading.Event()
        # once per function: the language version it names is not the one it runs on here (runtime_versions.py)
        self._version_warnings = VersionWarnings()

    def start(self) -> None:
        """Attach to moto's Lambda store and register the Lambda API handler on the router."""
        self._stopping.clear()
        self._memory = MemoryLimits.start()
        self._spawner = Spawner()
        # layer sets shown read-only at /opt are unpacked once per machine (code.py); the zygote shows them
        code = self._code = CodeStore(self._site.state_dir / "lambda", shared_cache_root() / "lambda-layers")
        self._hosts = PythonHosts(
            self._site.state_dir, self._spawner, use_zygote=self.use_zygote, memory=self._memory
        )
        if self.use_zygote:
            threading.Thread(target=self._start_zygote, name="lambda-zygote-start", daemon=True).start()
        else:
            _log.warning(
                "FOGBANK_LAMBDA_ZYGOTE=0: Lambda execution environments start as new processes without their own "
                "mount namespace: layers are not at /opt, code is not at /var/task (LAMBDA_TASK_ROOT names its "
                "directory under the state directory; code that hard-codes /var/task will not find it), code and "
                "layers are WRITABLE, and /tmp is the machine's /tmp, SHARED by every environment and not limited "
                "to the function's EphemeralStorage size"
            )
        self._pools = WorkerPools(
            lambda spec: self._start_worker(spec, code),
            max_workers_per_function=self.max_workers_per_function,
            queue_timeout_s=self.queue_timeout_s,
        )
        self._invoker = Invoker(
            self._resolve,
            self._pools,
            Telemetry(self._put_log_lines, self._record_invocation),
        )
        lambda_state.install(self._invoke_for_moto)
        self._routes.add("lambda", LambdaHttpApi(self._invoker, self._pools.recycle))
        self._janitor = threading.Thread(target=self._reap_idle_workers, name="lambda-janitor", daemon=True)
        self._janitor.start()

    def stop(self) -> None:
        """Stop every worker process, Runtime API server and thread. Idempotent, never raises."""
        self._stopping.set()
        lambda_state.uninstall()
        for closer in (self._invoker, self._pools, self._hosts, self._spawner, self._code, self._memory):
            if closer is None:
                continue
            try:
                closer.close()
            except Exception:
                _log.exception("stopping %s failed", type(closer).__name__)
        self._invoker = self._pools = self._spawner = self._hosts = self._code = self._memory = None
        if self._janitor is not None:
            self._janitor.join(timeout=5)
            self._janitor = None

    # -- contract for front doors and custom resources -----------------------------------------------------
    def invoke(
        self,
        function: str,
        payload: bytes,
        *,
        invocation_type: InvocationType = "RequestResponse",
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

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        """What an execution environment of `spec` gets from the cloud: endpoint, region and credentials."""
        region = region_of(spec.arn)
        return {
            **self._site.env(),
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            **self._credentials(spec),
        }

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (diagnostics and tests)."""
        return self._pools.pids() if self._pools is not None else []

    @property
    def _zygote(self) -> Zygote | None:
        """The zygote of the cloud's own interpreter (diagnostics and tests)."""
        return self._hosts.default.zygote if self._hosts is not None else None

    # -- wiring ---------------------------------------------------------------------------------------------
    def _resolve(self, function: str, qualifier: str | None, region: str | None = None) -> FunctionSpec:
        """The function in the region its ARN names, else the caller's region, else the cloud's default."""
        if function.startswith("arn:"):
            region = region_of(function)
        return lambda_state.resolve(
            function, qualifier, account_id=self._site.account_id, region=region or self._site.region
        )

    def _start_worker(self, spec: FunctionSpec, code: CodeStore) -> Worker:
        assert self._spawner is not None
        host = self._host_for(spec)
        zygote = host.zygote
        if zygote is not None:
            try:
                zygote.start()
            except CloudError:
                _log.exception(_NO_ZYGOTE)
                zygote = host.zygote = None
        opt_mounted = zygote is not None and zygote.opt_error is None
        task_mounted = opt_mounted and zygote is not None and zygote.var_task_error is None
        task_root, opt_dir = code.prepare(spec, share_layers=opt_mounted)
        launch = plan_launch(
            spec,
            task_root,
            opt_dir,
            cloud_env=self.environment(spec),
            xray_daemon=self._telemetry.xray_daemon_address,
            runtime_dir=host.runtime_dir,
            opt_mounted=opt_mounted,
            task_mounted=task_mounted,
            host_architecture=host_architecture(),
            interpreter=host.python,
        )
        if host.packages is not None and launch.tmp_mb is not None:  # reached under the environment's /tmp
            launch = replace(launch, keep_paths=(*launch.keep_paths, host.packages))
        if zygote is None:
            memory = self._memory.environment(spec.memory_size, launch.tmp_mb or 0) if self._memory else None
            worker = _releasing(memory, lambda: Worker.start(spec, launch, self._spawn, memory=memory))
            if memory is not None:  # a new process: what it mapped before the move counts as its baseline
                try:
                    memory.admit(worker.pid, resident_bytes(worker.pid))
                except BaseException:
                    worker.stop()
                    raise
            return worker
        bytecode = host.bytecode if self._hosts is not None else None  # None once the cloud stops
        if bytecode is not None:  # where its compiled modules go (bytecode.py)
            bytecode.prepare(opt_dir if opt_mounted else None)
        if self._door_map is not None:
            launch = _with_door_map(launch, self._door_map())
        return self._fork_environment(spec, launch, zygote)

    def _fork_environment(self, spec: FunctionSpec, launch: Launch, zygote: Zygote) -> Worker:
        """A forked environment for `launch`, in its memory cgroup (if enforced) before it runs the function's
        code: a spare's, adopted while it waited, or a new one that a newly forked environment joins itself
        (memory_limit.py: the baseline it shares with the zygote counts towards its MemorySize)."""
        spare = zygote.take_spare()  # forked ahead, its runtime client loaded for its own Runtime API
        memory = spare.memory if spare is not None else None
        if memory is None and self._memory is not None:
            memory = self._memory.environment(spec.memory_size, launch.tmp_mb or 0)
        if memory is None:
            if spare is None:
                return Worker.start(spec, launch, zygote.fork)
            return Worker.start(spec, launch, functools.partial(zygote.fork, spare=spare), api=spare.api)
        memory.resize(spec.memory_size, launch.tmp_mb or 0)
        # a forked environment (also one replacing a spare that died) joins it itself
        launch = replace(launch, memory_cgroup=str(memory.procs))
        if spare is None:
            memory.admit(None, 0)
            return _releasing(memory, lambda: Worker.start(spec, launch, zygote.fork, memory=memory))
        forked = launch.python and not launch.own_loader  # else it execs its program: nothing stays shared

        def start() -> Worker:
            # before the spare learns its function: its /tmp and its code count from here
            memory.admit(spare.pid, resident_bytes(spare.pid) if forked else 0)
            fork = functools.partial(zygote.fork, spare=spare)
            return Worker.start(spec, launch, fork, api=spare.api, memory=memory)

        return _releasing(memory, start)  # a failure also ends the spare: it is in that cgroup

    def _spawn(self, launch: Launch, env: dict[str, str]) -> WorkerProcess:
        assert self._spawner is not None
        return self._spawner.spawn(launch.argv, env, launch.cwd)

    def _host_for(self, spec: FunctionSpec) -> PythonHost:
        """The interpreter's host that runs `spec` (python_hosts.py); its version warning said once."""
        hosts = self._hosts
        if hosts is None:
            raise CloudError("the Lambda component is stopped; start the LocalCloud again")
        runtime = spec.runtime or ""
        try:
            host = hosts.for_runtime(runtime)
        except CloudError as exc:
            raise LambdaApiError("ServiceException", f"function {spec.name} ({runtime}): {exc}", 500) from exc
        named = python_minor(runtime)
        hint = hosts.emulation_hint(named) if named is not None and named != host.minor else None
        self._version_warnings.tell(spec.arn, spec.name, runtime, runs_on=host.minor, hint=hint)
        return host

    def _start_zygote(self) -> None:
        zygote = self._hosts.default.zygote if self._hosts is not None else None
        if zygote is None:
            return
        try:
            zygote.start()
        except CloudError:
            _log.exception(_NO_ZYGOTE)
            return
        if zygote.opt_error is not None:
            _log.warning(
                "Lambda layers are NOT visible at /opt here (%s): a Linux user + mount namespace is needed. "
                "Functions find their layers through PYTHONPATH, NODE_PATH and PATH at %s/lambda/opt/<hash>; "
                "code that hard-codes /opt paths (e.g. /opt/awscli/aws) will not find them. Code is not at /var/task "
                "either: LAMBDA_TASK_ROOT names %s/lambda/code/<hash>, and code that hard-codes /var/task will not "
                "find it there. Code and layers are "
                "also WRITABLE here, so a write into the task root or /opt, which AWS refuses (read-only file "
                "system), is not caught locally. /tmp is the machine's /tmp, SHARED by every environment (not empty "
                "at a cold start, not limited to the function's EphemeralStorage size).",
                zygote.opt_error,
                self._site.state_dir,
                self._site.state_dir,
            )
        elif zygote.var_task_error is not None:
            _log.warning(
                "Lambda code is NOT at /var/task here (%s): LAMBDA_TASK_ROOT, the working directory and the paths "
                "name %s/lambda/code/<hash> instead, so code that hard-codes /var/task will not find it. Layers "
                "are at /opt and code and layers are read-only as on Lambda.",
                zygote.var_task_error,
                self._site.state_dir,
            )

    def _put_log_lines(self, group: str, stream: str, lines: list[LogLine], *, region: str) -> None:
        self._telemetry.put_log_lines(group, stream, lines, region=region)

    def _record_invocation(self, record: InvocationRecord) -> None:
        self._telemetry.record_invocation(record)

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
