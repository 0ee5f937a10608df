"""moto's Lambda store, as fogbank's Lambda component needs it.

moto keeps functions, versions, aliases, layers, permissions and concurrency; fogbank runs the code. This
module reads a function's definition out of moto (`resolve`), fills the gaps of moto's model that Lambda's API
has (LoggingConfig; TracingConfig on update; a revision counter so that warm workers are recycled after an
update), and routes every path moto takes to function code (SQS, SNS, Kinesis, DynamoDB streams, log
subscriptions) to fogbank's Invoke instead of moto's Docker runner (`install`).

Example (the function is created in moto's state as CreateFunction would):
    >>> import base64, io, zipfile
    >>> from moto.awslambda.models import lambda_backends
    >>> from moto.iam.models import iam_backends
    >>> role = iam_backends["123456789012"]["global"].create_role("fn-role", "{}", "/", None, "", [], None)
    >>> package = io.BytesIO()
    >>> with zipfile.ZipFile(package, "w") as archive:
    ...     archive.writestr("app.py", "def handler(event, context): return event")
    >>> _ = lambda_backends["123456789012"]["eu-south-2"].create_function({
    ...     "FunctionName": "my-fn", "Runtime": "python3.12", "Role": role.arn, "Handler": "app.handler",
    ...     "Code": {"ZipFile": base64.b64encode(package.getvalue()).decode()}})
    >>> spec = resolve("my-fn", None, account_id="123456789012", region="eu-south-2")
    >>> spec.handler, spec.version, spec.role
    ('app.handler', '$LATEST', 'arn:aws:iam::123456789012:role/fn-role')
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FunctionSpec",
    "InvokeHook",
    "LambdaStateError",
    "LayerSpec",
    "install",
    "reserved_concurrency",
    "resolve",
    "uninstall",
    "validate_archive",
]

# (function ARN with its version, payload) -> (response payload, FunctionError or None)
InvokeHook = Callable[[str, bytes], tuple[bytes, str | None]]

_LOG_GROUP_PREFIX = "/aws/lambda/"
_ids = itertools.count(1)
_ids_lock = threading.Lock()
_installed: dict[str, Any] = {}
_hook: list[InvokeHook] = []


class LambdaStateError(Exception):
    """moto refused a lookup; carries Lambda's error code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LayerSpec:
    """One layer version attached to a function."""

    arn: str
    code_sha256: str
    code: bytes = field(repr=False)


@dataclass(frozen=True)
class FunctionSpec:
    """Everything needed to run one version of a function (read from moto at invoke time)."""

    name: str
    arn: str  # unqualified
    version: str  # "$LATEST" or a published version number
    runtime: str | None
    handler: str | None
    package_type: str
    code_sha256: str
    code: bytes = field(repr=False)
    memory_size: int = 128
    ephemeral_storage: int = 512  # MB: the size of an environment's /tmp
    timeout: int = 3
    environment: dict[str, str] = field(default_factory=dict)
    layers: tuple[LayerSpec, ...] = ()
    tracing_mode: str = "PassThrough"
    log_group: str = ""
    log_format: str = "Text"
    application_log_level: str | None = None
    system_log_level: str | None = None
    reserved_concurrency: int | None = None
    architecture: str = "x86_64"
    instance_key: tuple[int, int] = (0, 0)  # (model identity, revision): changes on every update
    role: str = ""  # the execution role's ARN

    @property
    def qualified_arn(self) -> str:
        return f"{self.arn}:{self.version}"

    @property
    def pool_key(self) -> tuple[str, str, int, int]:
        """Workers are reusable for the same key only; an update, delete or re-create changes it."""
        return (self.name, self.version, *self.instance_key)


def _backend(account_id: str, region: str) -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends[account_id][region]


def resolve(name_or_arn: str, qualifier: str | None, *, account_id: str, region: str) -> FunctionSpec:
    """The function version that `name_or_arn` (+ qualifier: version, alias or $LATEST) designates.

    Raises LambdaStateError(ResourceNotFoundException) when it does not exist.
    """
    from moto.core.exceptions import _RESTError as RESTError

    backend = _backend(account_id, region)
    try:
        fn = backend.get_function(name_or_arn, qualifier)
    except RESTError as exc:
        raise LambdaStateError(exc.error_type, exc.message, exc.code) from exc
    if fn is None:  # moto's $LATEST can be None after a qualified delete
        raise LambdaStateError("ResourceNotFoundException", f"Function not found: {name_or_arn}", 404)
    layers = []
    for layer in fn.layers:
        stored = backend.layers_versions_by_arn(layer["Arn"])
        if stored is None:
            raise LambdaStateError(
                "ResourceNotFoundException", f"Layer version {layer['Arn']} does not exist", 404
            )
        layers.append(LayerSpec(stored.arn, stored.code_sha_256, stored.code_bytes))
    logging = _logging_config(fn)
    reserved = fn.reserved_concurrency
    return FunctionSpec(
        name=fn.function_name,
        arn=f"arn:aws:lambda:{region}:{account_id}:function:{fn.function_name}",
        version=str(fn.version),
        runtime=fn.run_time,
        handler=fn.handler,
        package_type=fn.package_type,
        code_sha256=fn.code_sha_256,
        code=getattr(fn, "code_bytes", b""),
        memory_size=int(fn.memory_size),
        ephemeral_storage=int(getattr(fn, "ephemeral_storage", 512) or 512),
        timeout=int(fn.timeout),
        environment={str(k): str(v) for k, v in (fn.environment_vars or {}).items()},
        layers=tuple(layers),
        tracing_mode=str((fn.tracing_config or {}).get("Mode", "PassThrough")),
        log_group=logging["LogGroup"],
        log_format=logging["LogFormat"],
        application_log_level=logging.get("ApplicationLogLevel"),
        system_log_level=logging.get("SystemLogLevel"),
        reserved_concurrency=None if reserved is None else int(reserved),
        architecture=fn.architectures[0],
        instance_key=(_instance_id(fn), int(getattr(fn, "_fogbank_revision", 0))),
        role=str(fn.role),
    )


def reserved_concurrency(name: str, *, account_id: str, region: str) -> int | None:
    """The function's reserved concurrency (None when unreserved)."""
    return resolve(name, None, account_id=account_id, region=region).reserved_concurrency


def _instance_id(fn: Any) -> int:
    with _ids_lock:
        if "_fogbank_id" not in fn.__dict__:
            fn._fogbank_id = next(_ids)
        return int(fn._fogbank_id)


def _logging_config(fn: Any) -> dict[str, str]:
    stored: dict[str, str] = dict(fn.__dict__.get("_fogbank_logging") or {})
    config = {
        "LogFormat": stored.get("LogFormat", "Text"),
        "LogGroup": stored.get("LogGroup") or f"{_LOG_GROUP_PREFIX}{fn.function_name}",
    }
    if config["LogFormat"] == "JSON":
        config["ApplicationLogLevel"] = stored.get("ApplicationLogLevel", "INFO")
        config["SystemLogLevel"] = stored.get("SystemLogLevel", "INFO")
    return config


def _validate_logging_config(value: Any) -> dict[str, str]:
    from moto.awslambda.exceptions import InvalidParameterValueException

    if not isinstance(value, dict):
        raise InvalidParameterValueException("LoggingConfig must be an object")
    log_format = value.get("LogFormat", "Text")
    if log_format not in ("Text", "JSON"):
        raise InvalidParameterValueException(
            f"LoggingConfig.LogFormat must be Text or JSON, not {log_format!r}"
        )
    levels = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
    for key in ("ApplicationLogLevel", "SystemLogLevel"):
        if key in value and value[key] not in levels:
            raise InvalidParameterValueException(f"LoggingConfig.{key} must be one of {', '.join(levels)}")
    return {str(k): str(v) for k, v in value.items()}


EMPTY_ARCHIVE = "Uploaded file must be a non-empty zip"
CORRUPT_ARCHIVE = "Could not unzip uploaded file. Please check your file, then try to upload again."


def validate_archive(data: bytes) -> None:
    """Refuse a .zip as Lambda does (CreateFunction, UpdateFunctionCode, PublishLayerVersion): no bytes or no
    files is "Uploaded file must be a non-empty zip", anything unzip cannot read is "Could not unzip uploaded
    file. ...", both InvalidParameterValueException. A missing handler file is not checked here: Lambda reports
    it at invoke time (Runtime.ImportModuleError).

    Example:
        >>> validate_archive(b"not a zip")
        Traceback (most recent call last):
        moto.awslambda.exceptions.InvalidParameterValueException: ...
    """
    import io
    import zipfile

    from moto.awslambda.exceptions import InvalidParameterValueException

    if not data:
        raise InvalidParameterValueException(EMPTY_ARCHIVE)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise InvalidParameterValueException(CORRUPT_ARCHIVE) from None
    if not any(not entry.is_dir() for entry in entries):
        raise InvalidParameterValueException(EMPTY_ARCHIVE)


def _validate_code_of(model: Any) -> None:
    if getattr(model, "package_type", "Zip") in (None, "Zip"):
        validate_archive(getattr(model, "code_bytes", b"") or b"")


def install(hook: InvokeHook) -> None:
    """Extend moto's Lambda model and send every code path to `hook`. Idempotent; `uninstall` undoes it."""
    from moto.awslambda.models import LambdaFunction, LayerVersion

    _hook[:] = [hook]
    if _installed:
        return
    original_init = LambdaFunction.__init__
    original_config = LambdaFunction.get_configuration
    original_update_config = LambdaFunction.update_configuration
    original_update_code = LambdaFunction.update_function_code
    original_invoke = LambdaFunction.invoke
    original_layer_init = LayerVersion.__init__

    def __init__(self: Any, account_id: str, spec: dict[str, Any], region: str, version: Any = 1) -> None:
        logging = _validate_logging_config(spec["LoggingConfig"]) if "LoggingConfig" in spec else {}
        original_init(self, account_id, spec, region, version)
        _validate_code_of(self)
        self._fogbank_logging = logging
        self.logs_group_name = _logging_config(self)["LogGroup"]

    def get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
        config: dict[str, Any] = original_config(self, on_create)
        config["LoggingConfig"] = _logging_config(self)
        revision = self.__dict__.get("_fogbank_revision", 0)
        config["RevisionId"] = f"00000000-0000-0000-{_instance_id(self):04x}-{revision:012x}"
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            merged = {**self.__dict__.get("_fogbank_logging", {}), **config_updates["LoggingConfig"]}
            self._fogbank_logging = _validate_logging_config(merged)
            self.logs_group_name = _logging_config(self)["LogGroup"]
        if "TracingConfig" in config_updates:
            self.tracing_config = config_updates["TracingConfig"]
        if "EphemeralStorage" in config_updates:
            self.ephemeral_storage = config_updates["EphemeralStorage"]["Size"]
        self._fogbank_revision = self.__dict__.get("_fogbank_revision", 0) + 1
        return dict(original_update_config(self, config_updates))

    def update_function_code(self: Any, updated_spec: dict[str, Any]) -> dict[str, Any]:
        if "Architectures" in updated_spec:
            self.architectures = updated_spec["Architectures"]
        before = dict(self.__dict__)
        answer = dict(original_update_code(self, updated_spec))
        try:
            _validate_code_of(self)
        except Exception:
            self.__dict__.clear()  # the function keeps its code, as on Lambda
            self.__dict__.update(before)
            raise
        self._fogbank_revision = self.__dict__.get("_fogbank_revision", 0) + 1
        return answer

    def layer_init(self: Any, spec: dict[str, Any], account_id: str, region: str) -> None:
        original_layer_init(self, spec, account_id, region)
        validate_archive(getattr(self, "code_bytes", b"") or b"")

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        if not _hook:
            raise RuntimeError(
                f"no Lambda runtime is attached to run {self.function_arn}; start a LocalCloud"
            )
        payload = body if isinstance(body, bytes) else (body or "{}").encode()
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
        qualified = self.function_arn if str(self.version) != "$LATEST" else f"{self.function_arn}:$LATEST"
        result, function_error = _hook[0](qualified, payload)
        if function_error is not None:
            response_headers["x-amz-function-error"] = function_error
        return result

    _installed.update(
        __init__=original_init,
        get_configuration=original_config,
        update_configuration=original_update_config,
        update_function_code=original_update_code,
        invoke=original_invoke,
        layer_init=original_layer_init,
    )
    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.update_function_code = update_function_code  # type: ignore[method-assign]
    LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    LayerVersion.__init__ = layer_init  # type: ignore[method-assign]


def uninstall() -> None:
    """Detach the runtime: moto's code paths then fail with a clear error (never reach Docker)."""
    _hook.clear()
