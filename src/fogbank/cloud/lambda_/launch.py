"""How Lambda would start a function's runtime: command line, task root, and the environment it sets.

Example:
    >>> from fogbank.cloud.aws_state.lambda_ import FunctionSpec
    >>> arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    >>> spec = FunctionSpec("f", arn, "$LATEST", "python3.12", "app.handler", "Zip", "sha256", code=b"")
    >>> launch = plan_launch(spec, Path("/tmp/task"), Path("/tmp/opt"), cloud_env={}, xray_daemon="127.0.0.1:2000",
    ...                      runtime_dir=Path("/tmp/runtime"))
    >>> launch.argv[-1], launch.env["AWS_LAMBDA_FUNCTION_NAME"], launch.env["AWS_XRAY_DAEMON_ADDRESS"]
    ('app.handler', 'f', '127.0.0.1:2000')
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.interpreter_variables import sets_interpreter_variables
from fogbank.cloud.lambda_.interpreters import Interpreter
from fogbank.cloud.lambda_.library_path import (
    lambda_library_path,
    sets_loader_variables,
    ships_libraries,
)
from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.node_runtime import ensure_node_runtime
from fogbank.cloud.lambda_.python_runtime import BOOT_MODULE
from fogbank.cloud.lambda_.sandbox import OPT, VAR_TASK
from fogbank.cloud.lambda_.stdlib_versions import python_minor
from fogbank.cloud.lambda_.worker import Launch
from fogbank.errors import CloudError

__all__ = [
    "NODE_BOOTSTRAP",
    "NODE_FRONTDOORS_PRELOAD",
    "NODE_RESPONSE_SHIM",
    "NODE_RUNTIME_PRELOAD",
    "normalize_architecture",
    "plan_launch",
]

NODE_BOOTSTRAP = Path(__file__).with_name("node_bootstrap.js")
# Sends CDK handlers' `https.request({hostname, path})` replies (which drop the URL's scheme and port) to the
# local cloud's endpoint; every other request is untouched. See the file's header.
NODE_RESPONSE_SHIM = Path(__file__).with_name("node_response_shim.js")
# Lets ES module handlers import from NODE_PATH (layers, the runtime's AWS SDK), as Lambda's nodejs18.x+ do.
NODE_RUNTIME_PRELOAD = Path(__file__).with_name("node_runtime_preload.js")
# Sends API Gateway and Function URL host names to the local listeners (docs/front-doors.md).
NODE_FRONTDOORS_PRELOAD = Path(__file__).with_name("node_frontdoors_preload.js")
_KEPT_FROM_PARENT = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def plan_launch(
    spec: FunctionSpec,
    task_root: Path,
    opt_dir: Path,
    *,
    cloud_env: dict[str, str],
    xray_daemon: str,
    runtime_dir: Path | None = None,
    opt_mounted: bool = False,
    task_mounted: bool = False,
    host_architecture: str = "x86_64",
    interpreter: Interpreter | None = None,
) -> Launch:
    """The command and environment for `spec`'s runtime. Unsupported runtimes raise InvalidRuntimeException.

    With `opt_mounted`, the environment will see `opt_dir` at /opt (sandbox.py), so paths name /opt, and has its
    own /tmp of `spec.ephemeral_storage` MB (no TMPDIR then, as on Lambda). With `task_mounted` too, it sees
    `task_root` at /var/task, as on Lambda: LAMBDA_TASK_ROOT, the working directory and the paths name /var/task.
    `interpreter` runs a Python function (interpreters.py; default: the cloud's own).
    """
    runtime = spec.runtime or ""
    opt_view = Path(OPT) if opt_mounted else opt_dir
    task_mounted = task_mounted and opt_mounted
    task_view = Path(VAR_TASK) if task_mounted else task_root
    env = {key: os.environ[key] for key in _KEPT_FROM_PARENT if key in os.environ}
    if opt_mounted:
        env.pop("TMPDIR", None)
    # what the environment still opens by its host path once its own /tmp covers the host's (sandbox.py)
    keep = [*([] if task_mounted else [task_root]), *_interpreter_dirs(interpreter)]
    env.update(cloud_env)
    env.update(spec.environment)
    env.update(_lambda_env(spec, task_view, xray_daemon))
    env["PATH"] = os.pathsep.join([*filter(None, [env.get("PATH")]), str(opt_view / "bin")])  # Lambda's last
    # Lambda's library search list, unless the function sets its own (not a reserved key: it replaces Lambda's)
    if "LD_LIBRARY_PATH" not in spec.environment:
        env["LD_LIBRARY_PATH"] = lambda_library_path(
            task_view, opt_view, var_lang=task_mounted, interpreter=interpreter
        )

    def launch(argv: list[str], python: bool = False, handler: str = "") -> Launch:
        return Launch(
            argv,
            task_view,
            env,
            python=python,
            handler=handler,
            opt_source=opt_dir if opt_mounted else None,
            task_source=task_root if task_mounted else None,
            tmp_mb=spec.ephemeral_storage if opt_mounted else None,
            keep_paths=tuple(keep) if opt_mounted else (),
            keep_writable=(shared_cache_root() / "lambda-bytecode",) if opt_mounted else (),
            architecture=normalize_architecture(spec.architecture),
            host_architecture=host_architecture,
            check_roots=(task_view, opt_view),
            runtime=runtime,
            # a forked Python environment keeps the zygote's loader and interpreter start-up: exec it where that
            # loader cannot search this list or the function sets a variable either reads only as it starts
            own_loader=python
            and (
                sets_loader_variables(spec.environment)
                or sets_interpreter_variables(spec.environment)
                or (not task_mounted and ships_libraries(task_root, opt_dir))
            ),
        )

    if spec.package_type != "Zip":
        raise _unsupported(spec, f"package type {spec.package_type}", "deploy it as a .zip package")
    if runtime.startswith("python"):
        if runtime_dir is None:
            raise LambdaApiError("ServiceException", "the Python runtime directory was not prepared", 500)
        env["LAMBDA_RUNTIME_DIR"] = str(runtime_dir)
        env.setdefault("PYTHONUNBUFFERED", "1")  # a function's own value is its own (it is exec'd then)
        keep.append(runtime_dir)
        env["PYTHONPATH"] = _python_path(runtime, task_view, opt_view, runtime_dir, spec.environment)
        # -S: no site-packages, so fogbank's own virtualenv is invisible to the function. The boot module
        # installs the front-door shim (docs/front-doors.md), then runs awslambdaric's main.
        handler = _handler(spec)
        roots = os.pathsep.join([str(task_view), str(opt_view)])
        check = ["--native-check", normalize_architecture(spec.architecture), host_architecture, roots]
        executable = str(interpreter.executable) if interpreter is not None else sys.executable
        # what Lambda's bootstrap leaves in PYTHONPATH once sys.path is made: the function's own (else the boot
        # shows LAMBDA_RUNTIME_DIR, as in a forked environment, which has the boot's default)
        own = spec.environment.get("PYTHONPATH")
        shown = ["--pythonpath", own] if own is not None else []
        argv = [executable, "-S", "-m", BOOT_MODULE, *check, "--runtime", runtime, *shown, handler]
        return launch(argv, python=True, handler=handler)
    if runtime.startswith("nodejs"):
        node = shutil.which("node", path=env.get("PATH"))
        if node is None:
            raise _unsupported(spec, runtime, "install Node.js so that `node` is on PATH")
        major = runtime.removeprefix("nodejs").split(".")[0]
        env["LAMBDA_RUNTIME_DIR"] = str(NODE_BOOTSTRAP.parent)
        preloads = f"--require {NODE_RESPONSE_SHIM} --require {NODE_RUNTIME_PRELOAD} --require {NODE_FRONTDOORS_PRELOAD}"
        env["NODE_OPTIONS"] = f"{env.get('NODE_OPTIONS', '')} {preloads}".strip()
        _handler(spec)
        try:
            runtime_modules = ensure_node_runtime()
        except CloudError as exc:
            raise LambdaApiError("ServiceException", f"function {spec.name}: {exc}", 500) from exc
        keep.extend([NODE_BOOTSTRAP.parent, runtime_modules, Path(os.path.realpath(node)).parent.parent])
        # Lambda's order: layers, then the runtime's AWS SDK (so a layer's SDK wins), then the task root. The
        # function's own node_modules wins over all of them by Node's usual lookup next to the handler.
        env["NODE_PATH"] = os.pathsep.join(
            [
                str(opt_view / "nodejs" / f"node{major}" / "node_modules"),
                str(opt_view / "nodejs" / "node_modules"),
                str(runtime_modules),
                str(task_view / "node_modules"),
                str(task_view),
            ]
        )
        return launch(
            [node, str(NODE_BOOTSTRAP), normalize_architecture(spec.architecture), host_architecture]
        )
    if runtime.startswith("provided"):
        for bootstrap, seen_as in ((task_root, task_view), (opt_dir, opt_view)):
            if (bootstrap / "bootstrap").is_file() and os.access(bootstrap / "bootstrap", os.X_OK):
                env["LAMBDA_RUNTIME_DIR"] = str(seen_as)
                return launch([str(seen_as / "bootstrap")])
        raise LambdaApiError(
            "InvalidParameterValueException",
            f"function {spec.name} uses runtime {runtime} but neither its code nor its layers contain an "
            "executable `bootstrap`; add one at the root of the .zip",
        )
    raise _unsupported(spec, runtime or "no runtime", "use a python3.x, nodejs or provided runtime")


def _python_path(
    runtime: str, task_view: Path, opt_view: Path, runtime_dir: Path, environment: dict[str, str]
) -> str:
    """sys.path's first entries, as Lambda's runtime (its /var/runtime/bootstrap.py) makes them.

    Lambda's order: task root, layers, then the runtime (whose boto3 a layer may override). A layer's site
    directory is the named minor's (python/lib/python3.13/site-packages for python3.13), as on Lambda. A
    function that sets its own PYTHONPATH gets no layer directories (Lambda's bootstrap adds them only where
    PYTHONPATH is unset): the task root, then its entries, which the interpreter put right after the runtime
    directory (the bootstrap script's own) and before the standard library and site-packages, where Lambda's
    python3.11+ keep boto3; python3.8-3.10 keep it in the runtime directory, ahead of them.
    """
    own = environment.get("PYTHONPATH")
    if own is None:
        site_packages = opt_view / "python" / "lib" / _site_name(runtime) / "site-packages"
        return os.pathsep.join(
            [str(task_view), str(site_packages), str(opt_view / "python"), str(runtime_dir)]
        )
    minor = python_minor(runtime) or (sys.version_info.major, sys.version_info.minor)
    if minor < (3, 11):
        return os.pathsep.join([str(task_view), str(runtime_dir), own])
    return os.pathsep.join([str(task_view), own, str(runtime_dir)])


def _site_name(runtime: str) -> str:
    """The layer site directory's name: "python3.13" for a python3.13 function, this interpreter's otherwise."""
    minor = python_minor(runtime)
    major, number = minor if minor is not None else (sys.version_info.major, sys.version_info.minor)
    return f"python{major}.{number}"


def _interpreter_dirs(interpreter: Interpreter | None) -> list[Path]:
    """The directories of the interpreter a Python environment keeps running (its standard library)."""
    if interpreter is not None:
        return [interpreter.base_prefix, interpreter.executable.parent]
    return [Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent]


_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def normalize_architecture(name: str) -> str:
    """Lambda's word for an architecture: "x86_64" or "arm64" (from e.g. "aarch64"); others unchanged."""
    return _ARCHITECTURES.get(name.lower(), name)


def _handler(spec: FunctionSpec) -> str:
    if not spec.handler:
        raise LambdaApiError(
            "InvalidParameterValueException",
            f"function {spec.name} has no Handler; set one with UpdateFunctionConfiguration (e.g. app.handler)",
        )
    return spec.handler


def _lambda_env(spec: FunctionSpec, task_root: Path, xray_daemon: str) -> dict[str, str]:
    runtime = spec.runtime or "provided"
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_XRAY_DAEMON_ADDRESS": xray_daemon,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_AWS_XRAY_DAEMON_ADDRESS": xray_daemon.rsplit(":", 1)[0],
        "_AWS_XRAY_DAEMON_PORT": xray_daemon.rsplit(":", 1)[-1],
        "TZ": ":UTC",
    }
    if spec.handler:
        env["_HANDLER"] = spec.handler
    if spec.log_format == "JSON":
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        env["AWS_LAMBDA_LOG_LEVEL"] = spec.application_log_level or "INFO"
    return env


def _unsupported(spec: FunctionSpec, what: str, next_step: str) -> LambdaApiError:
    return LambdaApiError(
        "InvalidRuntimeException",
        f"the local cloud cannot run function {spec.name}: {what} is not supported here; {next_step}",
        502,
    )
