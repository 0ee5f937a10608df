"""A Python Lambda worker's first module: make the cloud's front doors reachable, then run awslambdaric.

Workers start as `python -S -m fogbank_worker_boot <handler>` (this file, linked into the runtime directory
with the connection shim as `fogbank_connection_shim`). Before the handler loads, it reads the front-door map
from `$AWS_ENDPOINT_URL/_fogbank/frontdoors` and installs the same connection shim as the cloud's own
process: `https://<id>.execute-api.<region>.amazonaws.com/...`, `https://<id>.lambda-url.<region>.on.aws/`
and ALB ports below 1024 go to the local listeners, so nothing leaves the machine. SSL_CERT_FILE and
REQUESTS_CA_BUNDLE point at the cloud's trust bundle (certifi's roots plus the local CA) unless the function
sets them itself. Standard library only: the function's own imports decide everything else.

Example (skipped as a doctest: it runs only inside a Lambda worker):
    >>> install_front_doors({"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"})  # doctest: +SKIP
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import runpy
import sys
import urllib.parse
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.cloud.frontdoors.shim import ConnectionShim
    from fogbank.cloud.lambda_.native_check import install_native_check
    from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER, hide_missing_modules, python_minor
    from fogbank.cloud.lambda_.version_errors import NOTE_PREFIX, aws_would_not_raise, explain
else:
    from fogbank_connection_shim import ConnectionShim
    from fogbank_native_check import install_native_check
    from fogbank_stdlib_versions import INTERPRETER, hide_missing_modules, python_minor
    from fogbank_version_errors import NOTE_PREFIX, aws_would_not_raise, explain

__all__ = ["DOOR_MAP_PATH", "fetch_door_map", "install_front_doors"]

DOOR_MAP_PATH = "/_fogbank/frontdoors"
_CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def fetch_door_map(endpoint: str, timeout: float = 10.0) -> dict[str, Any]:
    """GET `<endpoint>/_fogbank/frontdoors` (plain HTTP on loopback, no proxy) and parse the JSON."""
    url = urllib.parse.urlsplit(endpoint)
    if url.scheme != "http" or not url.hostname:
        raise RuntimeError(f"AWS_ENDPOINT_URL={endpoint!r} is not the local cloud's http://127.0.0.1:<port>")
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request("GET", DOOR_MAP_PATH)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{endpoint}{DOOR_MAP_PATH} answered {response.status}: {body[:200]!r}")
    door_map: dict[str, Any] = json.loads(body)
    return door_map


def install_front_doors(
    environ: MutableMapping[str, str], door_map: dict[str, Any] | None = None
) -> ConnectionShim | None:
    """Install the shim for the cloud at AWS_ENDPOINT_URL and trust its CA; None when there is no endpoint.

    `door_map` is the cloud's map when the cloud handed it over (a forked environment); else it is fetched.
    """
    endpoint = environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return None
    if door_map is None:
        door_map = fetch_door_map(endpoint)
    shim = ConnectionShim.from_table(door_map["shim"])
    shim.install(patch_urllib3=False)
    for name in _CA_VARIABLES:
        environ.setdefault(name, door_map["ca_bundle_file"])
    return shim


def explain_version_failures(runtime: str) -> None:
    """Where the function names another Python minor than this interpreter's, an init or invocation error that
    this interpreter's version may cause (version_errors.explain) gets a line of its own in the function's log,
    marked as fogbank's note: errorType and errorMessage stay the runtime client's, as AWS's. Only where AWS
    would not raise the error at all (version_errors.aws_would_not_raise) is the sentence also added to
    errorMessage, after ". "."""
    if python_minor(runtime) in (None, INTERPRETER):
        return  # same minor, or not a Python runtime: nothing to add
    bootstrap: Any = importlib.import_module("awslambdaric.bootstrap")
    make_error = bootstrap.make_error

    def make_error_explained(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = make_error(*args, **kwargs)
        error = sys.exc_info()[1]  # awslambdaric builds its errors while it handles them
        if type(error).__name__ == "FaultException" and error is not None:
            error = error.__context__  # its import fault: the ImportError/SyntaxError it was raised from
        sentence = explain(error, runtime)
        if not sentence:
            return result
        sys.stderr.write(f"{NOTE_PREFIX}{result.get('errorType')}: {sentence}\n")
        sys.stderr.flush()
        if aws_would_not_raise(error, runtime):
            message = (result.get("errorMessage") or "").rstrip()
            result["errorMessage"] = f"{message.rstrip('.')}. {sentence}" if message else sentence
        return result

    bootstrap.make_error = make_error_explained


def main(door_map: dict[str, Any] | None = None, runtime: str = "") -> None:
    """Install the front doors, then hand over to awslambdaric's main with the handler argument.

    `--native-check <function arch> <host arch> <roots>` before the handler checks native extensions under the
    roots (os.pathsep-separated) against the function's architecture (native_check.py). `--runtime <runtime>`
    (or `runtime`) names the function's runtime: where its Python minor is not this interpreter's, the standard
    library modules that minor lacks are hidden (stdlib_versions.py). Once sys.path is made (from PYTHONPATH,
    as the interpreter started or by the zygote), PYTHONPATH shows what Lambda's bootstrap leaves in it: the
    function's own value (`--pythonpath <value>`), else LAMBDA_RUNTIME_DIR.
    """
    check: list[str] = []
    if sys.argv[1:2] == ["--native-check"]:
        check = sys.argv[2:5]
        del sys.argv[1:5]
    if sys.argv[1:2] == ["--runtime"]:
        runtime = sys.argv[2]
        del sys.argv[1:3]
    shown_path = os.environ.get("LAMBDA_RUNTIME_DIR")
    if sys.argv[1:2] == ["--pythonpath"]:
        shown_path = sys.argv[2]
        del sys.argv[1:3]
    if shown_path is not None:
        os.environ["PYTHONPATH"] = shown_path
    if check:
        architecture, host, roots = check
        install_native_check(architecture, host, roots.split(os.pathsep), runtime)
    try:
        install_front_doors(os.environ, door_map)
    except (OSError, RuntimeError, ValueError, KeyError) as exc:
        sys.stderr.write(
            f"fogbank: cannot read the local cloud's front-door map ({exc}); the worker stops rather than "
            "let API Gateway and Function URL requests leave the machine. Is the local cloud still running?\n"
        )
        raise SystemExit(1) from exc
    hide_missing_modules(runtime)
    explain_version_failures(runtime)
    runpy.run_module("awslambdaric", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
