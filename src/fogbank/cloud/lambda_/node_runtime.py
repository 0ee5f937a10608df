"""The AWS SDK for JavaScript v3 that Lambda's Node.js runtimes provide, installed once into fogbank's cache.

AWS's nodejs18.x and later runtimes ship `@aws-sdk/*` in /var/runtime/node_modules, after the layers on
NODE_PATH, and CDK's own handlers (auto-delete-objects, log retention, ...) leave `@aws-sdk/*` out of their
bundles because of it. The local cloud does the same: `ensure_node_runtime()` installs the packages below with
npm, at one exact version, into `<cache>/node-runtime/<version>/node_modules` (the cache is $FOGBANK_CACHE_DIR,
else $XDG_CACHE_HOME/fogbank, else ~/.cache/fogbank). A file lock makes parallel workers and processes install
it once; later calls only check a marker file. `make install` runs it ahead of time
(`python -m fogbank.cloud.lambda_.node_runtime`).

The SDK honours AWS_ENDPOINT_URL, which every worker gets. S3 uses path-style addressing on its own because
the local cloud's endpoint is an IP address (127.0.0.1); with a host name such as `localhost` it would address
`<bucket>.localhost`, and SDK v3 reads no environment or config-file setting to force path style.

Example (skipped as a doctest: it installs the Node.js AWS SDK with npm):
    >>> node_modules = ensure_node_runtime()  # doctest: +SKIP
    >>> (node_modules / "@aws-sdk" / "client-s3").is_dir()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from filelock import FileLock, Timeout

from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.errors import CloudError

__all__ = [
    "NODE_SDK_PACKAGES",
    "NODE_SDK_VERSION",
    "ensure_node_runtime",
    "node_runtime_dir",
]

# One exact version for every package (the newest that all of them were published at when pinned).
NODE_SDK_VERSION = "3.1164.0"
# What the functions most often use, and what CDK's bundled custom-resource handlers import.
NODE_SDK_PACKAGES = (
    "@aws-sdk/client-cloudformation",
    "@aws-sdk/client-cloudwatch-logs",
    "@aws-sdk/client-dynamodb",
    "@aws-sdk/client-iam",
    "@aws-sdk/client-lambda",
    "@aws-sdk/client-s3",
    "@aws-sdk/client-sns",
    "@aws-sdk/client-sqs",
    "@aws-sdk/client-ssm",
    "@aws-sdk/client-sts",
    "@aws-sdk/credential-providers",
    "@aws-sdk/lib-dynamodb",
)
_MARKER = ".fogbank-complete"
_INSTALL_TIMEOUT_S = 900.0
_thread_lock = threading.Lock()


def node_runtime_dir(cache_dir: Path | None = None) -> Path:
    """Where the runtime's SDK lives: `<cache>/node-runtime/<NODE_SDK_VERSION>`."""
    return (cache_dir or shared_cache_root()) / "node-runtime" / NODE_SDK_VERSION


def ensure_node_runtime(cache_dir: Path | None = None) -> Path:
    """The runtime's `node_modules` directory, installing the SDK with npm first if it is not there yet.

    Raises CloudError (naming the command and the next step) when npm is missing or the install fails.
    """
    target = node_runtime_dir(cache_dir)
    if _is_complete(target):
        return target / "node_modules"
    with _thread_lock:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(target.parent / f"{NODE_SDK_VERSION}.lock"))
        try:
            with lock.acquire(timeout=_INSTALL_TIMEOUT_S):
                if not _is_complete(target):
                    _install(target)
        except Timeout as exc:
            raise CloudError(
                f"waited {_INSTALL_TIMEOUT_S:.0f} s for another process installing the Node.js runtime's AWS SDK "
                f"into {target}; if no install is running, delete {lock.lock_file} and try again"
            ) from exc
    return target / "node_modules"


def _wanted() -> dict[str, str]:
    return {name: NODE_SDK_VERSION for name in NODE_SDK_PACKAGES}


def _is_complete(target: Path) -> bool:
    try:
        recorded = json.loads((target / _MARKER).read_text())
    except (OSError, ValueError):
        return False
    return bool(recorded == _wanted())


def _install(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise CloudError(
            "the local cloud's Node.js runtime needs the AWS SDK for JavaScript v3, and installing it needs npm, "
            "which is not on PATH; install Node.js with npm (e.g. `apt-get install nodejs npm`), then run "
            "`make install`"
        )
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "package.json").write_text(
        json.dumps({"name": "fogbank-node-runtime", "private": True, "dependencies": _wanted()}, indent=2)
    )
    command = [npm, "install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"]
    print(
        f"fogbank: installing the AWS SDK for JavaScript v3 ({NODE_SDK_VERSION}, {len(NODE_SDK_PACKAGES)} "
        f"packages) for the local cloud's Node.js runtime into {target} (once)...",
        file=sys.stderr,
        flush=True,
    )
    try:
        result = subprocess.run(
            command, cwd=staging, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _install_failed(command, target, str(exc)) from exc
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise _install_failed(command, target, _npm_error(result.stderr or result.stdout))
    (staging / _MARKER).write_text(json.dumps(_wanted()))
    shutil.rmtree(target, ignore_errors=True)  # an older, incomplete install of the same version
    os.replace(staging, target)
    print(f"fogbank: the Node.js runtime's AWS SDK is ready in {target}", file=sys.stderr, flush=True)


def _npm_error(output: str) -> str:
    """npm's error lines without its JavaScript stack trace."""
    lines = [
        line
        for line in output.strip().splitlines()
        if not line.strip().startswith(("npm error     at", "at "))
    ]
    return "\n".join(lines[-20:])


def _install_failed(command: list[str], target: Path, detail: str) -> CloudError:
    return CloudError(
        f"installing the Node.js runtime's AWS SDK into {target} failed: `{' '.join(command)}` "
        f"(with the package.json that pins the packages) said:\n{detail}\n"
        "Check that the npm registry is reachable (npm config get registry), then run `make install`, "
        "or set FOGBANK_CACHE_DIR to a writable directory"
    )


def _main() -> int:
    if shutil.which("node") is None:
        print(
            "fogbank: Node.js is not installed, so the local cloud's Node.js runtime (and its AWS SDK) is not "
            "prepared; install Node.js with npm to run nodejs functions",
            file=sys.stderr,
        )
        return 0
    try:
        print(ensure_node_runtime())
    except CloudError as exc:
        print(f"fogbank: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
